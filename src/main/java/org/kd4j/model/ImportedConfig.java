package org.kd4j.model;

import org.kd4j.ConfigException;

/**
 * A description of a student built from an ONNX encoder by the import side (its graph is the export's, rebuilt from the
 * file at load; see {@link ModelType#IMPORTED}), with a fresh linear head on its [CLS] vector.
 *
 * @param layers the encoder's layers
 * @param hidden the embedding width (its word table's columns)
 * @param encoderWidth the width of the vector the head reads (the encoder's output; {@code ffn} in the flat form)
 * @param maxPositions the rows of its position table (512 when it has none)
 */
public record ImportedConfig(int layers, int hidden, int encoderWidth, int maxPositions) implements ModelConfig {

    public ImportedConfig {
        ConfigException.requireRange("layers", layers, 1, 48);
        ConfigException.requireRange("hidden", hidden, 2, 4096);
        ConfigException.requireRange("ffn", encoderWidth, 1, 16384);
        ConfigException.requireRange("max_positions", maxPositions, 8, 4096);
    }

    @Override
    public ModelType type() {
        return ModelType.IMPORTED;
    }

    @Override
    public Flat flat() {
        return new Flat(ModelType.IMPORTED, layers, hidden, 1, encoderWidth, maxPositions, Pooling.CLS,
                Activation.GELU_SIGMOID, 0.0);
    }
}
