package org.kd4j.model;

import org.kd4j.ConfigException;

/**
 * A BERT-style encoder (post-layer-norm) with a linear head. The default student is the SEAD shape
 * ({@link ModelConfig#seadStudent()}): 6 layers, hidden 256, 8 heads, FFN 1024.
 *
 * @param layers transformer layers
 * @param hidden hidden size, also the embedding width unless {@code embeddingSize} is set
 * @param heads attention heads; hidden must be divisible by heads
 * @param ffn feed-forward inner width
 * @param maxPositions longest sequence the position table covers
 * @param pooling how the head reads the token states
 * @param activation feed-forward activation (default {@link Activation#GELU_SIGMOID}, ND4J's fast one; encoders
 *     imported from BERT-family exports use the one they were trained with)
 * @param layerNormEps layer-norm epsilon; below {@link #FUSED_LAYER_NORM_EPS} (0 by default, BERT's 1e-12) ND4J's fused
 *     layer norm is used, which adds none and matches to float precision; larger values use an explicit
 *     {@code (x - mean) / sqrt(var + eps)}
 * @param embeddingSize the width of the embedding tables and their layer norm when it differs from {@code hidden}:
 *     they are then projected to {@code hidden} by a linear map ({@code emb_proj}), as ELECTRA-small's
 *     {@code embeddings_project} (128 to 256); 0: the hidden size, no projection
 */
public record TransformerConfig(int layers, int hidden, int heads, int ffn, int maxPositions, Pooling pooling,
                                Activation activation, double layerNormEps, int embeddingSize) implements ModelConfig {

    /** Below this, an epsilon makes no difference in float and ND4J's fused layer norm is used. */
    public static final double FUSED_LAYER_NORM_EPS = 1e-9;

    /** A transformer whose embedding width is its hidden size. */
    public TransformerConfig(int layers, int hidden, int heads, int ffn, int maxPositions, Pooling pooling,
                             Activation activation, double layerNormEps) {
        this(layers, hidden, heads, ffn, maxPositions, pooling, activation, layerNormEps, 0);
    }

    /** A transformer with the default activation and layer norm. */
    public TransformerConfig(int layers, int hidden, int heads, int ffn, int maxPositions, Pooling pooling) {
        this(layers, hidden, heads, ffn, maxPositions, pooling, Activation.GELU_SIGMOID, 0.0);
    }

    public TransformerConfig {
        activation = activation == null ? Activation.GELU_SIGMOID : activation;
        if (!(layerNormEps >= 0 && layerNormEps <= 1e-2)) {
            throw ConfigException.invalid("layer_norm_eps", layerNormEps, "0 (fused) .. 0.01");
        }
        if (pooling == null) {
            throw ConfigException.invalid("pooling", null, Pooling.configNames());
        }
        ConfigException.requireRange("embedding_size", embeddingSize, 0, 4096);
        if (embeddingSize == hidden) {
            embeddingSize = 0; // one form for "no projection", so equal shapes are equal records and hash alike
        }
        ConfigException.requireRange("layers", layers, 1, 48);
        ConfigException.requireRange("hidden", hidden, 2, 4096);
        ConfigException.requireRange("heads", heads, 1, 64);
        ConfigException.requireRange("ffn", ffn, 1, 16384);
        ConfigException.requireRange("max_positions", maxPositions, 8, 4096);
        if (hidden % heads != 0) {
            throw ConfigException.invalid("hidden", hidden, "a multiple of heads (" + heads + ")");
        }
    }

    @Override
    public ModelType type() {
        return ModelType.TRANSFORMER;
    }

    @Override
    public Flat flat() {
        return new Flat(ModelType.TRANSFORMER, layers, hidden, heads, ffn, maxPositions, pooling, activation, layerNormEps, 0, 1,
                embeddingSize);
    }

    /** This shape with another pooling. */
    public TransformerConfig withPooling(Pooling newPooling) {
        return new TransformerConfig(layers, hidden, heads, ffn, maxPositions, newPooling, activation, layerNormEps, embeddingSize);
    }

    /** This shape with only its first {@code n} layers. */
    public TransformerConfig withLayers(int n) {
        return new TransformerConfig(n, hidden, heads, ffn, maxPositions, pooling, activation, layerNormEps, embeddingSize);
    }

    /** The width of the embedding tables: {@link #embeddingSize()}, or the hidden size when that is 0. */
    @Override
    public int embeddingWidth() {
        return embeddingSize == 0 ? hidden : embeddingSize;
    }

    /** Whether the embeddings are projected to the hidden size ({@link #embeddingSize()} set). */
    public boolean projectsEmbeddings() {
        return embeddingSize != 0;
    }

    public int headSize() {
        return hidden / heads;
    }
}
