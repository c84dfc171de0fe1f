package org.kd4j.config;

import org.kd4j.ConfigException;
import org.kd4j.model.ModelConfig;

/**
 * The student: by default the SEAD shape (6-layer transformer, hidden 256, 8 heads, FFN 1024).
 *
 * @param model its architecture (ignored when {@code init} names an encoder); the keys of the {@code model:} section
 *     and the field each sets per architecture are tabled in {@link ModelConfig}
 * @param train how it is trained
 * @param init an ONNX BERT-family encoder (an {@code .onnx} file, or {@code maven:group:artifact:version} for a jar
 *     holding one) to initialise the student from: its embedding tables and layers, all trained, under a fresh head.
 *     BERT-layout encoders run on kd4j's own transformer (pooling: the export's own); others (ELECTRA) on the generic
 *     SameDiff import with a head on [CLS]. {@code tokenizer.vocab} must then be that encoder's tokenizer. Empty: a
 *     native student of shape {@code model}.
 * @param embeddings a pretrained BERT-layout encoder (as for {@code init}) whose embedding tables initialise a native
 *     student's, projected onto their top principal directions to the student's width
 *     ({@link org.kd4j.distill.StudentEmbeddings}); {@code tokenizer.vocab} must be that encoder's vocabulary. Empty:
 *     random embeddings
 * @param embeddingsFrom with {@code embeddings}: the encoder's input word table (the default) or its output for each
 *     token alone ({@link EmbeddingsFrom})
 * @param initLayers with {@code init}: keep only the encoder's first N layers (its embeddings and layers 0..N-1, the
 *     recipe of XtremeDistil and SEAD's pretrained small students), so the student is smaller than the encoder it starts
 *     from; 0: all of them
 * @param dropout while it trains, the probability of zeroing each element of the summed embeddings its encoder reads
 *     (before a BiLSTM's recurrent layer; {@link org.kd4j.model.InputDropout}), in [0, 0.9]; 0 (the default): none.
 *     Teachers are fine-tuned without it
 */
public record StudentConfig(ModelConfig model, TrainConfig train, String init, String embeddings, EmbeddingsFrom embeddingsFrom,
                            int initLayers, double dropout) {

    public StudentConfig {
        if (model == null || train == null) {
            throw new IllegalArgumentException("student model and train sections are required");
        }
        init = init == null ? "" : init.strip();
        embeddings = embeddings == null ? "" : embeddings.strip();
        if (!embeddings.isEmpty() && !embeddings.startsWith("maven:")
                && !embeddings.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            throw ConfigException.invalid("embeddings", embeddings, "an ONNX encoder file (.onnx), maven:group:artifact:version,"
                    + " or empty for random embeddings");
        }
        embeddingsFrom = embeddingsFrom == null ? EmbeddingsFrom.WORD_TABLE : embeddingsFrom;
        if (embeddingsFrom != EmbeddingsFrom.WORD_TABLE && embeddings.isEmpty()) {
            throw ConfigException.invalid("embeddings_from", embeddingsFrom.name().toLowerCase(java.util.Locale.ROOT),
                    "word_table (the default) when 'embeddings' is empty (there is no encoder to take the vectors from)");
        }
        if (!embeddings.isEmpty() && !init.isEmpty()) {
            throw ConfigException.invalid("embeddings", embeddings, "empty when 'init' is set (an initialised student already"
                    + " has the encoder's embeddings)");
        }
        if (!init.isEmpty() && !init.startsWith("maven:") && !init.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            throw ConfigException.invalid("init", init, "an ONNX encoder file (.onnx), maven:group:artifact:version, or empty"
                    + " for a native student");
        }
        ConfigException.requireRange("init_layers", initLayers, 0, 48);
        ConfigException.requireRange("dropout", dropout, 0.0, 0.9);
        if (initLayers > 0 && init.isEmpty()) {
            throw ConfigException.invalid("init_layers", initLayers, "0 when 'init' is empty (only an encoder-initialised"
                    + " student has layers to keep)");
        }
        if (init.isEmpty() && model.type() == org.kd4j.model.ModelType.IMPORTED) {
            throw ConfigException.invalid("model.type", "imported", "transformer, bilstm or cnn, or student.init naming the"
                    + " ONNX encoder to import");
        }
    }

    /** A native student of shape {@code model}. */
    public StudentConfig(ModelConfig model, TrainConfig train) {
        this(model, train, "", "", EmbeddingsFrom.WORD_TABLE, 0, 0.0);
    }

    /** A student with pretrained embeddings, or initialised from a whole encoder. */
    public StudentConfig(ModelConfig model, TrainConfig train, String init, String embeddings) {
        this(model, train, init, embeddings, EmbeddingsFrom.WORD_TABLE, 0, 0.0);
    }

    /** A student without pretrained embeddings. */
    public StudentConfig(ModelConfig model, TrainConfig train, String init) {
        this(model, train, init, "", EmbeddingsFrom.WORD_TABLE, 0, 0.0);
    }

    /** Whether the student is initialised from an ONNX encoder ({@link #init}). */
    public boolean imported() {
        return !init.isEmpty();
    }

    public static StudentConfig defaults() {
        return new StudentConfig(ModelConfig.seadStudent(), TrainConfig.defaults());
    }
}
