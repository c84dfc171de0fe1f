package org.kd4j.model;

import org.nd4j.linalg.api.buffer.DataType;

/** Builds the native graph of a {@link ModelConfig}. */
public final class ClassifierGraphs {

    private ClassifierGraphs() {}

    public static ClassifierGraph build(ModelConfig config, int outputs, DataType type, long seed) {
        if (config instanceof TransformerConfig t) {
            return TransformerGraph.build(t, outputs, type, seed);
        } else if (config instanceof CnnConfig c) {
            return CnnGraph.build(c, outputs, type, seed);
        } else if (config instanceof BiLstmConfig b) {
            return BiLstmGraph.build(b, outputs, type, seed);
        }
        throw new IllegalArgumentException("an imported model is built from its ONNX file, not from a config");
    }
}
