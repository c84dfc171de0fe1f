package org.kd4j.model;

import org.kd4j.ConfigException;

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
 * @param activation transformer feed-forward activation (default {@link Activation#GELU_SIGMOID}, ND4J's fast one;
 *     encoders imported from BERT-family exports use the one they were trained with)
 * @param layerNormEps transformer layer-norm epsilon; below {@link #FUSED_LAYER_NORM_EPS} (0 by default, BERT's
 *     1e-12) ND4J's fused layer norm is used, which adds none and matches to float precision; larger values use an
 *     explicit {@code (x - mean) / sqrt(var + eps)}
 */
public record ModelConfig(ModelType type, int layers, int hidden, int heads, int ffn, int maxPositions,
                          Pooling pooling, Activation activation, double layerNormEps) {

    /** Below this, an epsilon makes no difference in float and ND4J's fused layer norm is used. */
    public static final double FUSED_LAYER_NORM_EPS = 1e-9;

    /** A model with the default activation and layer norm. */
    public ModelConfig(ModelType type, int layers, int hidden, int heads, int ffn, int maxPositions, Pooling pooling) {
        this(type, layers, hidden, heads, ffn, maxPositions, pooling, Activation.GELU_SIGMOID, 0.0);
    }

    public ModelConfig {
        // model files written before these fields existed read them as null / 0
        activation = activation == null ? Activation.GELU_SIGMOID : activation;
        if (!(layerNormEps >= 0 && layerNormEps <= 1e-2)) {
            throw ConfigException.invalid("layer_norm_eps", layerNormEps, "0 (fused) .. 0.01");
        }
        if (type == null) {
            throw ConfigException.invalid("type", null, "transformer, bilstm or cnn");
        }
        if (pooling == null) {
            throw ConfigException.invalid("pooling", null, "mean, cls or first");
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

    /** This shape with another pooling. */
    public ModelConfig withPooling(Pooling newPooling) {
        return new ModelConfig(type, layers, hidden, heads, ffn, maxPositions, newPooling, activation, layerNormEps);
    }

    public int headSize() {
        return hidden / heads;
    }
}
