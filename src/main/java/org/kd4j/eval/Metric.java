package org.kd4j.eval;

import java.util.List;
import org.kd4j.data.glue.GlueTask;

/**
 * The GLUE metrics. Classification metrics take predicted and gold label ids; correlation metrics take
 * predicted and gold scores. Each task's default set is {@link #forTask}.
 */
public enum Metric {
    /** Fraction of exact label matches. */
    ACCURACY("accuracy", false),
    /** Binary F1 of the positive class (label id 1), as GLUE reports for MRPC and QQP; macro F1 over classes for 3+ classes (CB). */
    F1("f1", false),
    /** Matthews correlation coefficient (multi-class form of Gorodkin 2004; 0 when undefined), CoLA's metric. */
    MCC("mcc", false),
    /** Pearson correlation of scores (STS-B). */
    PEARSON("pearson", true),
    /** Spearman rank correlation of scores, ties given their average rank (STS-B). */
    SPEARMAN("spearman", true);

    private final String key;
    private final boolean regression;

    Metric(String key, boolean regression) {
        this.key = key;
        this.regression = regression;
    }

    /** Name used in JSON and tables. */
    public String key() {
        return key;
    }

    public boolean forRegression() {
        return regression;
    }

    /** Classification metric of predicted vs gold label ids (number of classes inferred from the data and {@code numClasses}). */
    public double of(int[] predicted, int[] gold, int numClasses) {
        if (regression) {
            throw new IllegalArgumentException(key + " needs scores, not label ids");
        }
        return switch (this) {
            case ACCURACY -> ClassificationMetrics.accuracy(predicted, gold);
            case F1 -> numClasses <= 2 ? ClassificationMetrics.binaryF1(predicted, gold, 1)
                    : ClassificationMetrics.macroF1(predicted, gold, numClasses);
            case MCC -> ClassificationMetrics.mcc(predicted, gold, numClasses);
            default -> throw new AssertionError(this);
        };
    }

    /** Correlation metric of predicted vs gold scores. */
    public double of(double[] predicted, double[] gold) {
        return switch (this) {
            case PEARSON -> Correlation.pearson(predicted, gold);
            case SPEARMAN -> Correlation.spearman(predicted, gold);
            default -> throw new IllegalArgumentException(key + " needs label ids, not scores");
        };
    }

    /**
     * The metrics a task's benchmark reports for it (GLUE, SuperGLUE); the first is its main metric, used for model
     * selection ({@link #mainFor}). Kept here, not on {@link GlueTask}, so that {@code data} does not depend on
     * {@code eval}.
     */
    public static List<Metric> forTask(GlueTask task) {
        return switch (task) {
            case COLA -> List.of(MCC, ACCURACY);
            case MRPC, QQP -> List.of(F1, ACCURACY);
            case STSB -> List.of(PEARSON, SPEARMAN);
            case CB -> List.of(ACCURACY, F1);
            case SST2, MNLI, QNLI, RTE, WNLI, BOOLQ, SUPERGLUE_RTE, WIC -> List.of(ACCURACY);
        };
    }

    /** The task's main metric: the first of {@link #forTask}. */
    public static Metric mainFor(GlueTask task) {
        return forTask(task).get(0);
    }
}
