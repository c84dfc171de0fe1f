package org.kd4j.config;

import org.kd4j.ConfigException;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TransformerConfig;

/**
 * A teacher the framework trains itself with cross-entropy on the task, from scratch ({@code model}) or fine-tuned from
 * a pretrained encoder ({@code init}); or one trained elsewhere ({@code imported}). Trained teachers are cached, and
 * every teacher's logits are cached and reused by every student, run and sweep.
 *
 * @param name short name, unique among the teachers (used in tables and file names)
 * @param model its architecture; the keys of the {@code model:} section and the field each sets per architecture are
 *     tabled in {@link ModelConfig}
 * @param train how it is trained
 * @param vocab its own tokenizer (teachers with different tokenizers work together); empty: the run's tokenizer
 * @param imported a teacher trained elsewhere instead: an ONNX export ({@code .onnx}, imported on first use and cached)
 *     or a kd4j imported-model file (written by {@code import}); its tokenizer must be given as {@code vocab}. Empty:
 *     the framework trains the teacher from {@code model} and {@code train}
 * @param init a pretrained BERT-family encoder to fine-tune with a fresh head: an ONNX export ({@code .onnx}) or a Maven
 *     artifact holding one ({@code maven:group:artifact:version}); it runs on kd4j's own transformer (its shape comes
 *     from the export, {@code model} is ignored but for {@code pooling}). Its tokenizer is the export's own unless
 *     {@code vocab} names one. Empty: a teacher trained from scratch
 * @param pooling with {@code init}: how the fresh head reads the encoder (a {@link Pooling#configName()}); empty: the export's own
 *     ([CLS] through its pooler when it has one, else the [CLS] state)
 */
public record TeacherConfig(String name, ModelConfig model, TrainConfig train, String vocab, String imported, String init,
                            String pooling) {

    public TeacherConfig {
        ConfigException.requireText("name", name);
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw ConfigException.invalid("name", name, "letters, digits, '_', '-' or '.'");
        }
        if (model == null || train == null) {
            throw new IllegalArgumentException("teacher model and train sections are required");
        }
        if (model.type() == ModelType.IMPORTED) {
            throw ConfigException.invalid("model.type", "imported", "transformer, bilstm or cnn (only a student can be imported)");
        }
        vocab = vocab == null ? "" : vocab;
        imported = imported == null ? "" : imported;
        init = init == null ? "" : init.strip();
        pooling = pooling == null ? "" : pooling.strip().toLowerCase(java.util.Locale.ROOT);
        if (!init.isEmpty() && !imported.isEmpty()) {
            throw ConfigException.invalid("init", init, "empty when 'imported' is set (a teacher is either fine-tuned here"
                    + " from an encoder or imported already fine-tuned)");
        }
        if (!init.isEmpty() && !init.startsWith("maven:") && !init.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            throw ConfigException.invalid("init", init, "an ONNX encoder (.onnx) or maven:group:artifact:version");
        }
        if (!pooling.isEmpty() && poolingOf(pooling) == null) {
            throw ConfigException.invalid("pooling", pooling, Pooling.configNames() + ", or empty for the export's own");
        }
        if (!imported.isEmpty() && vocab.isEmpty()) {
            throw ConfigException.invalid("vocab", "", "the imported teacher's own tokenizer (tokenizer.json or vocab.txt)");
        }
    }

    public boolean external() {
        return !imported.isEmpty();
    }

    /** Whether the teacher is fine-tuned from a pretrained encoder ({@link #init}). */
    public boolean pretrained() {
        return !init.isEmpty();
    }

    /** The pooling of a fine-tuned encoder's head; null for the export's own. */
    public Pooling initPooling() {
        return poolingOf(pooling);
    }

    /** The pooling named (lower case, as in the presets); null for empty or an unknown name. */
    private static Pooling poolingOf(String pooling) {
        return Pooling.ofConfigName(pooling);
    }

    public static TeacherConfig defaults() {
        return new TeacherConfig("teacher", new TransformerConfig(2, 128, 4, 512, 128, Pooling.MEAN),
                TrainConfig.defaults(), "", "", "", "");
    }
}
