package org.kd4j.model;

import org.nd4j.linalg.api.buffer.DataType;

/** Builds the native graph of a {@link ModelConfig}. */
public final class ClassifierGraphs {

    private ClassifierGraphs() {}

    public static ClassifierGraph build(ModelConfig config, int outputs, DataType type, long seed) {
        return switch (config.type()) {
            case TRANSFORMER -> TransformerGraph.build(config, outputs, type, seed);
            case CNN -> CnnGraph.build(config, outputs, type, seed);
            case BILSTM -> BiLstmGraph.build(config, outputs, type, seed);
            case IMPORTED -> throw new IllegalArgumentException("an imported model is built from its ONNX file, not from a config");
        };
    }
}
