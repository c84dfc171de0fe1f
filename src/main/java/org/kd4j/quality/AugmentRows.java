package org.kd4j.quality;

/**
 * Which training rows a method's augmented transfer set ({@link AugmentPlan}, {@link AugmentedTransferSet}) is drawn
 * from: the {@code rows} key of its {@code augment} section.
 */
public enum AugmentRows {

    /** The cells' labeled training rows: the {@code data.train_limit} subset, or the whole training split. */
    TRAINING,

    /**
     * Those rows and, after them, the cells' {@code data.unlabeled_train} rows (the training rows outside the subset
     * whose labels the cells drop), so that the set varies every sentence the cells see, as Tang et al. augment their
     * whole training set. The cells must have unlabeled rows.
     */
    TRAINING_AND_UNLABELED
}
