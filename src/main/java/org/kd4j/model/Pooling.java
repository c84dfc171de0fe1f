package org.kd4j.model;

/** How a transformer turns token states into one vector per example. */
public enum Pooling {
    /** Mean of the non-padding token states. */
    MEAN,
    /** The first token ([CLS]) through a tanh dense layer, as BERT's pooler. */
    CLS,
    /**
     * The first token ([CLS]) through a ReLU dense layer, as DistilBERT's sequence classifier ({@code pre_classifier}
     * then ReLU); its weights are the pooler's ({@code pooler_w}, {@code pooler_b}).
     */
    CLS_RELU,
    /**
     * The first token ([CLS]) through a dense layer and the exact (erf) GELU, as ELECTRA's classification head
     * ({@code classifier.dense} then GELU, before {@code classifier.out_proj}); its weights are the pooler's.
     */
    CLS_GELU,
    /** The first token's ([CLS]) state as it is, without a dense layer (bge, E5; encoders exported without a pooler). */
    FIRST
}
