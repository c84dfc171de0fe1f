package org.kd4j.distill;

import java.nio.file.Path;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.util.Parallelism;

/**
 * A teacher as the pool scores it, whatever its origin: a model trained here or taken from the cache, one fine-tuned
 * from a pretrained encoder, an imported classifier converted to kd4j's transformer ({@link NativeTeacherModel}), or an
 * imported graph run as it is ({@link ImportedTeacherModel}).
 */
public sealed interface TeacherModel permits NativeTeacherModel, ImportedTeacherModel {

    /** The model file its logits are cached under (the {@code modelFile} of {@link org.kd4j.distill.cache.CacheKey}). */
    Path file();

    /**
     * Its logits on every example of {@code data}, in data order, {@code [N][C]}.
     *
     * @param batchSize examples per forward pass
     * @param padId the tokenizer's padding id
     * @param parallelism the run's workers (a batch of enough work split over model replicas, where the model has them)
     */
    float[][] logits(EncodedDataset data, int batchSize, int padId, Parallelism parallelism);

    /** Its number of weights. */
    long parameters();

    /**
     * The width of its pooled representation (the input of its classifier head), or empty when it has none that kd4j
     * can read: a graph imported as it is. May load the model.
     */
    java.util.OptionalInt featureWidth();

    /**
     * Its pooled representation of every example of {@code data}, in data order, {@code [N][featureWidth()]}, the target of
     * {@link org.kd4j.distill.loss.HiddenLoss}.
     *
     * @param parallelism the run's workers, as for {@link #logits}
     * @throws org.kd4j.KdException when it has none ({@link #featureWidth()} is empty)
     */
    float[][] features(EncodedDataset data, int batchSize, int padId, Parallelism parallelism);

    /**
     * Its logits and pooled representations of every example of {@code data} from one pass over it, as
     * {@link #logits} and {@link #features} give them.
     *
     * @throws org.kd4j.KdException when it has no pooled representation ({@link #featureWidth()} is empty)
     */
    org.kd4j.model.TextClassifier.Scores logitsAndFeatures(EncodedDataset data, int batchSize, int padId, Parallelism parallelism);
}
