package org.kd4j.distill;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Parallelism;

/**
 * A teacher on kd4j's own graphs: trained or fine-tuned here, loaded from the cache, or an imported classifier of a
 * BERT layout converted once to a native model file. A cached teacher may be loaded only when something must be
 * scored: its model is then read on the first call that needs it.
 */
public final class NativeTeacherModel implements TeacherModel {

    private final Path file;
    private final Supplier<TextClassifier> load;
    private final long knownParameters;
    private TextClassifier model;

    private NativeTeacherModel(Path file, TextClassifier model, Supplier<TextClassifier> load, long knownParameters) {
        this.file = Objects.requireNonNull(file, "file");
        this.model = model;
        this.load = load;
        this.knownParameters = knownParameters;
    }

    /** A model in memory, saved as {@code file}. */
    public static NativeTeacherModel of(TextClassifier model, Path file) {
        return new NativeTeacherModel(file, Objects.requireNonNull(model, "model"), null, 0);
    }

    /**
     * A model read from {@code file} by {@code load} when first needed.
     *
     * @param knownParameters its parameter count when known without loading it (from its provenance); 0: count them
     *     from the loaded model
     */
    public static NativeTeacherModel lazy(Path file, Supplier<TextClassifier> load, long knownParameters) {
        return new NativeTeacherModel(file, null, Objects.requireNonNull(load, "load"), knownParameters);
    }

    /** The model, loading it on first use. Not thread-safe: the pool scores one teacher at a time. */
    public TextClassifier model() {
        if (model == null) {
            model = load.get();
        }
        return model;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public float[][] logits(EncodedDataset data, int batchSize, int padId, Parallelism parallelism) {
        return model().logits(data, batchSize, padId, parallelism);
    }

    @Override
    public java.util.OptionalInt featureWidth() {
        TextClassifier m = model();
        if (!m.graph().hasFeatures()) {
            return java.util.OptionalInt.empty();
        }
        // an encoder on kd4j's transformer pools its hidden states
        return java.util.OptionalInt.of(org.kd4j.model.ClassifierGraphs.featureWidth(m.config()).orElse(m.config().hidden()));
    }

    @Override
    public float[][] features(EncodedDataset data, int batchSize, int padId, Parallelism parallelism) {
        requireFeatures();
        return model().features(data, batchSize, padId, parallelism);
    }

    @Override
    public TextClassifier.Scores logitsAndFeatures(EncodedDataset data, int batchSize, int padId, Parallelism parallelism) {
        requireFeatures();
        return model().logitsAndFeatures(data, batchSize, padId, parallelism);
    }

    private void requireFeatures() {
        if (featureWidth().isEmpty()) {
            throw new org.kd4j.KdException("teacher model " + file + ": its graph has no pooled representation");
        }
    }

    @Override
    public long parameters() {
        return knownParameters > 0 ? knownParameters : Runs.parameterCount(model());
    }
}
