package org.kd4j.model;

/** The model families the framework builds natively in SameDiff. */
public enum ModelType {
    /** BERT-style encoder (post-layer-norm), masked mean or [CLS] pooling, linear head. */
    TRANSFORMER,
    /** Bidirectional LSTM over the embeddings, masked max pooling, linear head. */
    BILSTM,
    /** 1-D convolutions of several widths over the embeddings, masked max pooling, linear head (Kim 2014). */
    CNN
}
