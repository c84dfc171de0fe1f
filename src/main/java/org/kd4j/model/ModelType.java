package org.kd4j.model;

/** The model families the framework builds natively in SameDiff. */
public enum ModelType {
    /** BERT-style encoder (post-layer-norm), masked mean or [CLS] pooling, linear head. */
    TRANSFORMER,
    /** Bidirectional LSTM over the embeddings, masked max pooling, linear head. */
    BILSTM,
    /** 1-D convolutions of several widths over the embeddings, masked max pooling, linear head (Kim 2014). */
    CNN,
    /**
     * An encoder imported from an ONNX file (BERT family) with a fresh linear head on its [CLS] vector; the model file
     * names the ONNX file, from which the graph is rebuilt at load (through the {@link ImportedGraphLoader} that kd4j's model import registers).
     */
    IMPORTED
}
