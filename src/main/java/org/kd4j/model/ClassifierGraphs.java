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

    /**
     * The width of the pooled representation {@link ClassifierGraph#FEATURES} a model of this shape has: the hidden size
     * of a transformer, 3 x filters of a CNN, 2 x units of a BiLSTM; empty for an imported model (the generic import has
     * none; an encoder on kd4j's transformer has its config's hidden size once built).
     */
    public static java.util.OptionalInt featureWidth(ModelConfig config) {
        if (config instanceof TransformerConfig t) {
            return java.util.OptionalInt.of(t.hidden());
        } else if (config instanceof CnnConfig c) {
            return java.util.OptionalInt.of(c.filters() * CnnGraph.WIDTHS.length);
        } else if (config instanceof BiLstmConfig b) {
            return java.util.OptionalInt.of(2 * b.units());
        }
        return java.util.OptionalInt.empty();
    }
}
