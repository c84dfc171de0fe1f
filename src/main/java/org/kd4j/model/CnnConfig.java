package org.kd4j.model;

import org.kd4j.ConfigException;

/**
 * 1-D convolutions of widths 3, 4 and 5 over the embeddings, masked max pooling, linear head (Kim 2014). In YAML:
 * {@code type: cnn}, {@code hidden} the embedding width, {@code ffn} the filters (see {@link ModelConfig}).
 *
 * @param hidden embedding width
 * @param filters filters per convolution width
 */
public record CnnConfig(int hidden, int filters) implements ModelConfig {

    public CnnConfig {
        ConfigException.requireRange("hidden", hidden, 2, 4096);
        ConfigException.requireRange("ffn", filters, 1, 16384);
    }

    @Override
    public ModelType type() {
        return ModelType.CNN;
    }

    @Override
    public Flat flat() {
        return new Flat(ModelType.CNN, 1, hidden, 1, filters, Flat.NO_POSITIONS, Pooling.MEAN, Activation.GELU_SIGMOID, 0.0);
    }
}
