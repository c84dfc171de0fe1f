package org.kd4j.distill;

import java.nio.file.Path;
import java.util.Objects;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.model.ImportedClassifier;
import org.kd4j.util.Parallelism;

/**
 * A teacher trained elsewhere and run on its imported SameDiff graph (layouts kd4j's transformer does not hold, and
 * {@code .sdz} files).
 *
 * @param model the imported classifier, checked against the task (made by kd4j's model import)
 * @param file its imported-model file
 */
public record ImportedTeacherModel(ImportedClassifier model, Path file) implements TeacherModel {

    public ImportedTeacherModel {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(file, "file");
    }

    /** On the generic imported graph, one batch at a time: it has no replicas to share a batch with. */
    @Override
    public float[][] logits(EncodedDataset data, int batchSize, int padId, Parallelism parallelism) {
        return model.logits(data, batchSize, padId);
    }

    /** None: the generic imported graph's pooled representation is not known to kd4j. */
    @Override
    public java.util.OptionalInt featureWidth() {
        return java.util.OptionalInt.empty();
    }

    @Override
    public float[][] features(EncodedDataset data, int batchSize, int padId, Parallelism parallelism) {
        throw noFeatures();
    }

    @Override
    public org.kd4j.model.TextClassifier.Scores logitsAndFeatures(EncodedDataset data, int batchSize, int padId,
                                                                  Parallelism parallelism) {
        throw noFeatures();
    }

    private org.kd4j.KdException noFeatures() {
        return new org.kd4j.KdException("teacher model " + file + ": a graph imported as it is (generic SameDiff import) has no"
                + " pooled representation kd4j can read; distill.hidden_weight needs teachers on kd4j's own graphs (trained"
                + " here, fine-tuned from an encoder, or imported BERT-layout classifiers)");
    }

    @Override
    public long parameters() {
        return model.parameters();
    }
}
