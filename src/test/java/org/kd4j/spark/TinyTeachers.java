package org.kd4j.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kd4j.config.TeacherRuntime;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.distill.NativeTeacherModel;
import org.kd4j.distill.TeacherInference;
import org.kd4j.model.TextClassifier;
import org.kd4j.testing.Students;
import org.kd4j.testing.SyntheticSst2;
import org.kd4j.util.Parallelism;

/** Two tiny saved teachers (a CNN and a transformer with trained-scale weights) and sentences for them. */
final class TinyTeachers {

    static final String TOKENIZER = "bert-base-uncased";
    static final int MAX_LENGTH = 24;
    static final int BATCH = 16;

    private TinyTeachers() {}

    /** Saves the two teachers under {@code dir} and returns their specs, scored on kd4j. */
    static List<TeacherSpec> save(Path dir) {
        return save(dir, TeacherRuntime.KD4J);
    }

    /** Saves the two teachers under {@code dir} and returns their specs, scored on {@code runtime}. */
    static List<TeacherSpec> save(Path dir, TeacherRuntime runtime) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int vocab = BertTokenizer.load(TOKENIZER).vocabSize();
        List<TeacherSpec> specs = new ArrayList<>();
        ModelConfig[] configs = {
            ModelConfig.of(ModelType.CNN, 1, 16, 1, 16, 32, Pooling.MEAN),
            ModelConfig.of(ModelType.TRANSFORMER, 1, 16, 2, 32, 32, Pooling.MEAN)};
        for (int i = 0; i < configs.length; i++) {
            Path file = dir.resolve("teacher-" + i + ".kdm");
            TextClassifier model = Students.randomised(configs[i], vocab, 2, 7 + i);
            model.save(file);
            model.release();
            specs.add(new TeacherSpec(file.toString(), TOKENIZER, GlueTask.SST2, MAX_LENGTH, BATCH, runtime));
        }
        return specs;
    }

    /** {@code n} seeded sentences of 3 to 8 words (so that batches pad to different lengths). */
    static List<String> sentences(int n, long seed) {
        return SyntheticSst2.rows(n, seed, SyntheticSst2.FILLER, SyntheticSst2.SENTIMENT).stream()
                .map(SyntheticSst2.Row::sentence).toList();
    }

    /**
     * The local path on {@code spec}'s runtime, as {@code TeacherPool} scores: the model loaded from its file scores the
     * whole list in one process through its {@link TeacherInference}, with {@code parallelism} (on ONNX Runtime: workers
     * times threads per op intra-op threads).
     */
    static float[][] scoreLocally(TeacherSpec spec, List<String> sentences, Parallelism parallelism) {
        Path file = Path.of(spec.modelFile());
        TextClassifier model = TextClassifier.load(file);
        BertTokenizer tokenizer = BertTokenizer.load(spec.tokenizer());
        try (TeacherInference inference = TeacherInference.of(spec.name(), NativeTeacherModel.of(model, file), spec.runtime(),
                spec.task(), spec.maxLength(), parallelism)) {
            return inference.logits(EncodedDataset.encode(spec.task(), examples(sentences), tokenizer, spec.maxLength()),
                    spec.batchSize(), tokenizer.padId());
        } finally {
            model.release();
        }
    }

    private static List<Example> examples(List<String> sentences) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            examples.add(new Example(Integer.toString(i), i + 1, sentences.get(i), null, Example.NO_LABEL, Double.NaN));
        }
        return examples;
    }

    /** The local path: the model loaded from its file scores the whole list in one process, as {@code TeacherPool} does. */
    static float[][] scoreLocally(TeacherSpec spec, List<String> sentences) {
        TextClassifier model = TextClassifier.load(Path.of(spec.modelFile()));
        BertTokenizer tokenizer = BertTokenizer.load(spec.tokenizer());
        try {
            return model.logits(EncodedDataset.encode(spec.task(), examples(sentences), tokenizer, spec.maxLength()), spec.batchSize(),
                    tokenizer.padId());
        } finally {
            model.release();
        }
    }
}
