package org.kd4j.hpo;

/** What a sweep optimises, on the dev set of the ensemble-distilled student. */
public enum Objective {
    /** The task's main metric (accuracy, F1, MCC, Pearson), maximised. */
    MAIN_METRIC,
    /** The dev loss (cross-entropy, or MSE for STS-B), minimised. */
    DEV_LOSS
}
