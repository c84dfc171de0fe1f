package org.kd4j.model;

import org.kd4j.ConfigException;

/**
 * Bidirectional LSTM layers over the embeddings, masked max pooling of the last layer's states, then the head: linear,
 * or a ReLU layer of {@code headUnits} units and a linear layer (Tang et al. 2019's BiLSTM classifies through a
 * ReLU-activated hidden layer). In YAML: {@code type: bilstm}, {@code hidden} the embedding width, {@code ffn} the units,
 * {@code lstm_layers} the stacked layers (1 when absent), {@code head_units} the ReLU layer's width, 0 or absent for
 * none (see {@link ModelConfig}).
 *
 * <p>A layer after the first reads both directions' states of the layer under it, {@code 2 x units} wide, in the
 * row's order (PyTorch's {@code nn.LSTM(bidirectional=True, num_layers=n)} and ONNX's stacked {@code LSTM} nodes).
 *
 * @param hidden embedding width
 * @param units LSTM units per direction (the pooled vector is twice as wide)
 * @param headUnits units of the ReLU layer between the pooled vector and the classifier; 0 for a linear head
 * @param layers stacked bidirectional layers
 */
public record BiLstmConfig(int hidden, int units, int headUnits, int layers) implements ModelConfig {

    /** The most stacked layers {@code lstm_layers} accepts. */
    public static final int MAX_LAYERS = 8;

    public BiLstmConfig {
        ConfigException.requireRange("hidden", hidden, 2, 4096);
        ConfigException.requireRange("ffn", units, 1, 16384);
        ConfigException.requireRange("head_units", headUnits, 0, 16384);
        ConfigException.requireRange("lstm_layers", layers, 1, MAX_LAYERS);
    }

    /** One BiLSTM layer. */
    public BiLstmConfig(int hidden, int units, int headUnits) {
        this(hidden, units, headUnits, 1);
    }

    /** One BiLSTM layer with a linear head. */
    public BiLstmConfig(int hidden, int units) {
        this(hidden, units, 0);
    }

    /** For descriptions: nothing for one layer, else {@code ", n stacked layers"}. */
    public String depthNote() {
        return layers == 1 ? "" : ", " + layers + " stacked layers";
    }

    @Override
    public ModelType type() {
        return ModelType.BILSTM;
    }

    @Override
    public Flat flat() {
        return new Flat(ModelType.BILSTM, 1, hidden, 1, units, Flat.NO_POSITIONS, Pooling.MEAN, Activation.GELU_SIGMOID, 0.0,
                headUnits, layers);
    }
}
