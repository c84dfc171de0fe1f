package org.kd4j.distill;

import java.nio.file.Path;
import java.util.Objects;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.model.ImportedClassifier;

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

    @Override
    public float[][] logits(EncodedDataset data, int batchSize, int padId) {
        return model.logits(data, batchSize, padId);
    }

    @Override
    public long parameters() {
        return model.parameters();
    }
}
