package org.kd4j.distill.score;

/** The rows of the task a teacher can score besides a transfer file, each under the cache key a run reads. */
public enum ScoreSplit {
    /** The training rows (the {@code data.train_limit} subset). */
    TRAIN,
    /** The dev split. */
    DEV,
    /** The training rows used without labels ({@code data.unlabeled_train}). */
    UNLABELED
}
