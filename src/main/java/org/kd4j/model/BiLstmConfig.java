package org.kd4j.model;

import org.kd4j.ConfigException;

/**
 * A bidirectional LSTM over the embeddings (one layer), masked max pooling, linear head. In YAML: {@code type: bilstm},
 * {@code hidden} the embedding width, {@code ffn} the units (see {@link ModelConfig}).
 *
 * @param hidden embedding width
 * @param units LSTM units per direction (the pooled vector is twice as wide)
 */
public record BiLstmConfig(int hidden, int units) implements ModelConfig {

    public BiLstmConfig {
        ConfigException.requireRange("hidden", hidden, 2, 4096);
        ConfigException.requireRange("ffn", units, 1, 16384);
    }

    @Override
    public ModelType type() {
        return ModelType.BILSTM;
    }

    @Override
    public Flat flat() {
        return new Flat(ModelType.BILSTM, 1, hidden, 1, units, Flat.NO_POSITIONS, Pooling.MEAN, Activation.GELU_SIGMOID, 0.0);
    }
}
