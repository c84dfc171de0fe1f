package org.kd4j.model;

import org.kd4j.ConfigException;

/**
 * A bidirectional LSTM over the embeddings (one layer), masked max pooling, then the head: linear, or a ReLU layer of
 * {@code headUnits} units and a linear layer (Tang et al. 2019's BiLSTM classifies through a ReLU-activated hidden
 * layer). In YAML: {@code type: bilstm}, {@code hidden} the embedding width, {@code ffn} the units, {@code head_units}
 * the ReLU layer's width, 0 or absent for none (see {@link ModelConfig}).
 *
 * @param hidden embedding width
 * @param units LSTM units per direction (the pooled vector is twice as wide)
 * @param headUnits units of the ReLU layer between the pooled vector and the classifier; 0 for a linear head
 */
public record BiLstmConfig(int hidden, int units, int headUnits) implements ModelConfig {

    public BiLstmConfig {
        ConfigException.requireRange("hidden", hidden, 2, 4096);
        ConfigException.requireRange("ffn", units, 1, 16384);
        ConfigException.requireRange("head_units", headUnits, 0, 16384);
    }

    /** A BiLSTM with a linear head. */
    public BiLstmConfig(int hidden, int units) {
        this(hidden, units, 0);
    }

    @Override
    public ModelType type() {
        return ModelType.BILSTM;
    }

    @Override
    public Flat flat() {
        return new Flat(ModelType.BILSTM, 1, hidden, 1, units, Flat.NO_POSITIONS, Pooling.MEAN, Activation.GELU_SIGMOID, 0.0,
                headUnits);
    }
}
