package org.kd4j.model;

/** How a transformer turns token states into one vector per example. */
public enum Pooling {
    /** Mean of the non-padding token states. */
    MEAN,
    /** The first token ([CLS]) through a tanh dense layer, as BERT's pooler. */
    CLS,
    /** The first token's ([CLS]) state as it is, without a dense layer (bge, E5; encoders exported without a pooler). */
    FIRST
}
