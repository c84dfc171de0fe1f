package org.kd4j.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.util.StdConverter;
import org.kd4j.ConfigException;

/**
 * The shape of a model, one record per architecture, each validating its own fields: {@link TransformerConfig},
 * {@link BiLstmConfig}, {@link CnnConfig}, and {@link ImportedConfig} for a student built from an ONNX encoder.
 *
 * <p>In YAML (the {@code model:} section of a student or a teacher) and in a model file's header a shape is written
 * flat, as {@link Flat}: the same keys for every architecture, so presets, {@code --set} overrides and files
 * written before the per-architecture records all read unchanged. Which key is which field:
 *
 * <pre>
 * key             transformer            bilstm                     cnn                      imported
 * type            transformer            bilstm                     cnn                      imported
 * layers          layers                 (ignored)                  (ignored)                layers
 * hidden          hidden                 hidden (embedding width)   hidden (embedding width) hidden (embedding width)
 * heads           heads                  (ignored)                  (ignored)                (ignored)
 * ffn             ffn (inner width)      units (per direction)      filters (per width)      encoderWidth
 * max_positions   maxPositions           (ignored)                  (ignored)                maxPositions
 * pooling         pooling                mean only                  mean only                (ignored: [CLS])
 * activation      activation             gelu_sigmoid only          gelu_sigmoid only        (ignored)
 * layer_norm_eps  layerNormEps           0 only                     0 only                   (ignored)
 * head_units      0 only                 headUnits (0: linear head) 0 only                   0 only
 * lstm_layers     1 only                 layers (stacked)           1 only                   1 only
 * embedding_size  embeddingSize (0: =hidden) 0 only                 0 only                   0 only
 * </pre>
 *
 * A key marked "ignored" is not rejected, because the record defaults a section is read over fill every key (a preset
 * that names {@code type: cnn} still carries the default {@code heads}); a key marked "only" is rejected with any other
 * value, naming the key, the architecture and what was found. Every key is range-checked as before. A preset or
 * {@code --set} that names {@code layers} (other than 1) in a BiLSTM or CNN section is warned about by
 * {@code org.kd4j.config.ConfigLoader}, which alone knows which keys a file named.
 *
 * <p>{@code head_units}, {@code lstm_layers} and {@code embedding_size} came after models, caches and quality cells were
 * first written and hashed: they are written only when they are not 0, 1 and 0, so every shape without them
 * serialises, and hashes, as before
 * ({@link #OPTIONAL_KEYS}). A BiLSTM's depth is {@code lstm_layers}, not {@code layers}: a {@code model:} section is read
 * over the default student's (a 6-layer transformer), so {@code layers} would be 6 in every BiLSTM section that does not
 * name it.
 */
@JsonSerialize(converter = ModelConfig.ToFlat.class)
@JsonDeserialize(converter = ModelConfig.FromFlat.class)
public sealed interface ModelConfig permits TransformerConfig, BiLstmConfig, CnnConfig, ImportedConfig {

    /**
     * The flat keys written only when they differ from 0 (so that shapes written before them read, and hash, the same);
     * {@code --set} may name them in any {@code model} section.
     */
    java.util.Set<String> OPTIONAL_KEYS = java.util.Set.of("head_units", "lstm_layers", "embedding_size");

    /** Below this, an epsilon makes no difference in float and ND4J's fused layer norm is used. */
    double FUSED_LAYER_NORM_EPS = TransformerConfig.FUSED_LAYER_NORM_EPS;

    /** The model family. */
    ModelType type();

    /** The width of the token vectors: the transformer's hidden size, the embedding width of the other models. */
    int hidden();

    /** The width of the embedding tables: the hidden size, but for a transformer that projects its embeddings. */
    default int embeddingWidth() {
        return hidden();
    }

    /** This shape in the flat form of YAML and model files. */
    Flat flat();

    /** A shape from the flat keys, with the default activation and layer norm (see the table in the class comment). */
    static ModelConfig of(ModelType type, int layers, int hidden, int heads, int ffn, int maxPositions, Pooling pooling) {
        return new Flat(type, layers, hidden, heads, ffn, maxPositions, pooling, Activation.GELU_SIGMOID, 0.0, 0, 1, 0).config();
    }

    /** SEAD's student: 6 layers, hidden 256, 8 heads, FFN 1024, 512 positions, mean pooling. */
    static TransformerConfig seadStudent() {
        return new TransformerConfig(6, 256, 8, 1024, 512, Pooling.MEAN);
    }

    /**
     * The flat form of a shape: the keys of a {@code model:} section and of a model file's header. The compact
     * constructor range-checks every key whatever the type; {@link #config} makes the architecture's record.
     *
     * @param type model family
     * @param layers transformer layers
     * @param hidden hidden size (transformer), embedding width (the others)
     * @param heads attention heads (transformer)
     * @param ffn feed-forward inner width (transformer), LSTM units per direction (BiLSTM), filters per width (CNN),
     *     the encoder's output width (imported)
     * @param maxPositions longest sequence the position table covers (transformer, imported)
     * @param pooling transformer pooling
     * @param activation transformer feed-forward activation
     * @param layerNormEps transformer layer-norm epsilon
     * @param headUnits the BiLSTM's ReLU layer before its classifier (0: none); written only when not 0
     * @param lstmLayers the BiLSTM's stacked layers (null: 1); written only when not 1
     * @param embeddingSize the transformer's embedding width when it differs from its hidden size (ELECTRA-small's
     *     128 projected to 256); 0 (or null): the hidden size; written only when not 0
     */
    record Flat(ModelType type, int layers, int hidden, int heads, int ffn, int maxPositions, Pooling pooling,
                Activation activation, double layerNormEps,
                @JsonInclude(JsonInclude.Include.NON_DEFAULT) Integer headUnits,
                @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = OneLayer.class) Integer lstmLayers,
                @JsonInclude(JsonInclude.Include.NON_DEFAULT) Integer embeddingSize) {

        /** The position count written for models without a position table (any value in range reads back the same). */
        static final int NO_POSITIONS = 512;

        public Flat {
            // model files written before these fields existed read them as null / 0
            activation = activation == null ? Activation.GELU_SIGMOID : activation;
            headUnits = headUnits == null ? 0 : headUnits;
            lstmLayers = lstmLayers == null ? 1 : lstmLayers;
            embeddingSize = embeddingSize == null ? 0 : embeddingSize;
            if (!(layerNormEps >= 0 && layerNormEps <= 1e-2)) {
                throw ConfigException.invalid("layer_norm_eps", layerNormEps, "0 (fused) .. 0.01");
            }
            if (type == null) {
                throw ConfigException.invalid("type", null, "transformer, bilstm or cnn");
            }
            if (pooling == null) {
                throw ConfigException.invalid("pooling", null, Pooling.configNames());
            }
            ConfigException.requireRange("layers", layers, 1, 48);
            ConfigException.requireRange("hidden", hidden, 2, 4096);
            ConfigException.requireRange("heads", heads, 1, 64);
            ConfigException.requireRange("ffn", ffn, 1, 16384);
            ConfigException.requireRange("max_positions", maxPositions, 8, 4096);
            ConfigException.requireRange("head_units", headUnits, 0, 16384);
            ConfigException.requireRange("lstm_layers", lstmLayers, 1, BiLstmConfig.MAX_LAYERS);
            ConfigException.requireRange("embedding_size", embeddingSize, 0, 4096);
        }

        /** The flat form of a BiLSTM (no embedding size of its own). */
        public Flat(ModelType type, int layers, int hidden, int heads, int ffn, int maxPositions, Pooling pooling,
                    Activation activation, double layerNormEps, Integer headUnits, Integer lstmLayers) {
            this(type, layers, hidden, heads, ffn, maxPositions, pooling, activation, layerNormEps, headUnits, lstmLayers, 0);
        }

        /** The flat form without {@code head_units} and {@code lstm_layers} (every architecture but a BiLSTM). */
        public Flat(ModelType type, int layers, int hidden, int heads, int ffn, int maxPositions, Pooling pooling,
                    Activation activation, double layerNormEps) {
            this(type, layers, hidden, heads, ffn, maxPositions, pooling, activation, layerNormEps, 0, 1, 0);
        }

        /** The architecture's record (see the table in {@link ModelConfig}'s comment). */
        public ModelConfig config() {
            return switch (type) {
                case TRANSFORMER -> {
                    requireNoHead("transformer");
                    requireOneLstmLayer("transformer");
                    yield new TransformerConfig(layers, hidden, heads, ffn, maxPositions, pooling, activation, layerNormEps,
                            embeddingSize);
                }
                case BILSTM -> {
                    requireTransformerDefaults("bilstm");
                    requireNoEmbeddingSize("bilstm");
                    yield new BiLstmConfig(hidden, ffn, headUnits, lstmLayers);
                }
                case CNN -> {
                    requireTransformerDefaults("cnn");
                    requireNoEmbeddingSize("cnn");
                    requireNoHead("cnn");
                    requireOneLstmLayer("cnn");
                    yield new CnnConfig(hidden, ffn);
                }
                case IMPORTED -> {
                    requireNoHead("imported");
                    requireNoEmbeddingSize("imported");
                    requireOneLstmLayer("imported");
                    yield new ImportedConfig(layers, hidden, ffn, maxPositions);
                }
            };
        }

        private void requireNoHead(String model) {
            if (headUnits != 0) {
                throw ConfigException.invalid("head_units", headUnits, "0 (head_units applies to bilstm only, not to "
                        + model + ")");
            }
        }

        private void requireNoEmbeddingSize(String model) {
            if (embeddingSize != 0) {
                throw ConfigException.invalid("embedding_size", embeddingSize, "0 (embedding_size applies to transformers"
                        + " only; a " + model + "'s embedding width is hidden)");
            }
        }

        private void requireOneLstmLayer(String model) {
            if (lstmLayers != 1) {
                throw ConfigException.invalid("lstm_layers", lstmLayers, "1 (lstm_layers applies to bilstm only, not to "
                        + model + "; a " + model + "'s depth is layers)");
            }
        }

        private void requireTransformerDefaults(String model) {
            if (pooling != Pooling.MEAN) {
                throw ConfigException.invalid("pooling", name(pooling), "mean (a " + model + " model max-pools; pooling"
                        + " applies to transformers only)");
            }
            if (activation != Activation.GELU_SIGMOID) {
                throw ConfigException.invalid("activation", name(activation), "gelu_sigmoid (activation applies to"
                        + " transformers only, not to " + model + ")");
            }
            if (layerNormEps != 0) {
                throw ConfigException.invalid("layer_norm_eps", layerNormEps, "0 (layer_norm_eps applies to transformers"
                        + " only, not to " + model + ")");
            }
        }

        private static String name(Enum<?> e) {
            return e.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Jackson's filter of {@link Flat#lstmLayers}: true (left out) for the default, one layer. */
    final class OneLayer {
        @Override
        public boolean equals(Object value) {
            return value == null || Integer.valueOf(1).equals(value);
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    /** Jackson: a shape is written as its {@link Flat} form. */
    final class ToFlat extends StdConverter<ModelConfig, Flat> {
        @Override
        public Flat convert(ModelConfig value) {
            return value.flat();
        }
    }

    /** Jackson: a shape is read from its {@link Flat} form. */
    final class FromFlat extends StdConverter<Flat, ModelConfig> {
        @Override
        public ModelConfig convert(Flat value) {
            return value.config();
        }
    }
}
