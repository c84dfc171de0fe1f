package org.kd4j.config;

import org.kd4j.model.ModelConfig;

/**
 * The student: by default the SEAD shape (6-layer transformer, hidden 256, 8 heads, FFN 1024).
 *
 * @param model its architecture (ignored when {@code init} names an encoder)
 * @param train how it is trained
 * @param init an ONNX BERT-family encoder (an {@code .onnx} file, or {@code maven:group:artifact:version} for a jar
 *     holding one) to initialise the student from: its embedding tables and layers, all trained, under a fresh head.
 *     BERT-layout encoders run on kd4j's own transformer (pooling: the export's own); others (ELECTRA) on the generic
 *     SameDiff import with a head on [CLS]. {@code tokenizer.vocab} must then be that encoder's tokenizer. Empty: a
 *     native student of shape {@code model}.
 */
public record StudentConfig(ModelConfig model, TrainConfig train, String init) {

    public StudentConfig {
        if (model == null || train == null) {
            throw new IllegalArgumentException("student model and train sections are required");
        }
        init = init == null ? "" : init.strip();
        if (!init.isEmpty() && !init.startsWith("maven:") && !init.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            throw ConfigException.invalid("init", init, "an ONNX encoder file (.onnx), maven:group:artifact:version, or empty"
                    + " for a native student");
        }
        if (init.isEmpty() && model.type() == org.kd4j.model.ModelType.IMPORTED) {
            throw ConfigException.invalid("model.type", "imported", "transformer, bilstm or cnn, or student.init naming the"
                    + " ONNX encoder to import");
        }
    }

    /** A native student of shape {@code model}. */
    public StudentConfig(ModelConfig model, TrainConfig train) {
        this(model, train, "");
    }

    /** Whether the student is initialised from an ONNX encoder ({@link #init}). */
    public boolean imported() {
        return !init.isEmpty();
    }

    public static StudentConfig defaults() {
        return new StudentConfig(ModelConfig.seadStudent(), TrainConfig.defaults());
    }
}
