package org.kd4j.config;

import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;

/**
 * A teacher the framework trains itself with cross-entropy on the task (no pretrained weights reach these
 * machines); its logits are cached and reused by every student, run and sweep.
 *
 * @param name short name, unique among the teachers (used in tables and file names)
 * @param model its architecture
 * @param train how it is trained
 * @param vocab its own tokenizer (teachers with different tokenizers work together); empty: the run's tokenizer
 * @param imported a teacher trained elsewhere instead: an ONNX export ({@code .onnx}, imported on first use and cached)
 *     or a kd4j imported-model file (written by {@code import}); its tokenizer must be given as {@code vocab}. Empty:
 *     the framework trains the teacher from {@code model} and {@code train}
 */
public record TeacherConfig(String name, ModelConfig model, TrainConfig train, String vocab, String imported) {

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
        if (!imported.isEmpty() && vocab.isEmpty()) {
            throw ConfigException.invalid("vocab", "", "the imported teacher's own tokenizer (tokenizer.json or vocab.txt)");
        }
    }

    public boolean external() {
        return !imported.isEmpty();
    }

    public static TeacherConfig defaults() {
        return new TeacherConfig("teacher", new ModelConfig(ModelType.TRANSFORMER, 2, 128, 4, 512, 128, Pooling.MEAN),
                TrainConfig.defaults(), "", "");
    }
}
