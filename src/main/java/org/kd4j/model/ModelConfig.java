package org.kd4j.model;

import org.kd4j.config.ConfigException;

/**
 * The shape of a model. The default student is the SEAD shape: a 6-layer transformer, hidden 256, 8 heads,
 * FFN 1024, over the BERT uncased vocabulary.
 *
 * @param type model family
 * @param layers transformer layers (or stacked LSTM layers: only 1 is supported for BILSTM)
 * @param hidden hidden size (transformer), embedding size (BILSTM, CNN)
 * @param heads attention heads (transformer); hidden must be divisible by heads
 * @param ffn feed-forward inner size (transformer), LSTM units per direction (BILSTM), filters per width (CNN)
 * @param maxPositions longest sequence the position table covers (transformer)
 * @param pooling transformer pooling
 */
public record ModelConfig(ModelType type, int layers, int hidden, int heads, int ffn, int maxPositions,
                          Pooling pooling) {

    public ModelConfig {
        if (type == null) {
            throw ConfigException.invalid("type", null, "transformer, bilstm or cnn");
        }
        if (pooling == null) {
            throw ConfigException.invalid("pooling", null, "mean or cls");
        }
        ConfigException.requireRange("layers", layers, 1, 48);
        ConfigException.requireRange("hidden", hidden, 2, 4096);
        ConfigException.requireRange("heads", heads, 1, 64);
        ConfigException.requireRange("ffn", ffn, 1, 16384);
        ConfigException.requireRange("max_positions", maxPositions, 8, 4096);
        if (type == ModelType.TRANSFORMER && hidden % heads != 0) {
            throw ConfigException.invalid("hidden", hidden, "a multiple of heads (" + heads + ")");
        }
    }

    /** SEAD's student: 6 layers, hidden 256, 8 heads, FFN 1024, 512 positions, mean pooling. */
    public static ModelConfig seadStudent() {
        return new ModelConfig(ModelType.TRANSFORMER, 6, 256, 8, 1024, 512, Pooling.MEAN);
    }

    public int headSize() {
        return hidden / heads;
    }
}
