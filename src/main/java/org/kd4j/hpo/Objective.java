package org.kd4j.hpo;

import org.kd4j.distill.ResultRow;

/** What a sweep optimises, on the dev set of the ensemble-distilled student. */
public enum Objective {
    /** The task's main metric (accuracy, F1, MCC, Pearson), maximised. */
    MAIN_METRIC("dev_main_metric", true),
    /** The dev loss (cross-entropy, or MSE for STS-B), minimised. */
    DEV_LOSS("dev_loss", false);

    private final String columnName;
    private final boolean maximize;

    Objective(String columnName, boolean maximize) {
        this.columnName = columnName;
        this.maximize = maximize;
    }

    /** The objective's name in the results table and files, e.g. {@code dev_loss}. */
    public String columnName() {
        return columnName;
    }

    /** Whether a higher score is better. */
    public boolean maximize() {
        return maximize;
    }

    /** The objective's value in a run's result row. */
    public double score(ResultRow row) {
        return switch (this) {
            case MAIN_METRIC -> row.dev().main();
            case DEV_LOSS -> row.devLoss();
        };
    }
}
