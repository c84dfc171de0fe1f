package org.kd4j.eval;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.kd4j.data.glue.GlueTask;

/**
 * A task's default metrics computed from model outputs: logits {@code [N][C]} for classification (the predicted
 * label is the arg-max) or scores {@code [N][1]} for regression, against the gold labels or scores.
 *
 * @param metrics the task's metrics in its default order (the first is the main one)
 */
public record Evaluation(GlueTask task, int examples, Map<Metric, Double> metrics) {

    public Evaluation {
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * @param outputs one row per example
     * @param goldLabels gold label ids (classification; ignored for regression)
     * @param goldScores gold scores (regression; ignored for classification)
     */
    public static Evaluation of(GlueTask task, float[][] outputs, int[] goldLabels, double[] goldScores) {
        int n = outputs.length;
        Map<Metric, Double> values = new LinkedHashMap<>();
        if (task.isRegression()) {
            double[] predicted = new double[n];
            for (int i = 0; i < n; i++) {
                predicted[i] = outputs[i][0];
            }
            for (Metric m : Metric.forTask(task)) {
                values.put(m, m.of(predicted, goldScores));
            }
        } else {
            int[] predicted = new int[n];
            for (int i = 0; i < n; i++) {
                predicted[i] = argMax(outputs[i]);
            }
            for (Metric m : Metric.forTask(task)) {
                values.put(m, m.of(predicted, goldLabels, task.numOutputs()));
            }
        }
        return new Evaluation(task, n, values);
    }

    /**
     * The task's main metric for the best constant prediction on this gold data: every example given the same class
     * (the best of the classes: the majority class's accuracy, always-positive's F1, 0 for MCC), or for regression 0
     * (a constant score has no correlation). What a model that learned nothing scores; a fraction, as {@link #main()}.
     */
    public static double constantBaseline(GlueTask task, int[] goldLabels, double[] goldScores) {
        if (task.isRegression()) {
            return 0.0;
        }
        Metric main = Metric.mainFor(task);
        int n = goldLabels.length;
        double best = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < task.numOutputs(); c++) {
            int[] predicted = new int[n];
            java.util.Arrays.fill(predicted, c);
            double v = main.of(predicted, goldLabels, task.numOutputs());
            best = Math.max(best, Double.isNaN(v) ? 0.0 : v);
        }
        return best;
    }

    /**
     * Mean cross-entropy of softmax(logits) against the gold labels (classification), or mean squared error
     * against the gold scores (regression).
     */
    public static double loss(GlueTask task, float[][] outputs, int[] goldLabels, double[] goldScores) {
        double sum = 0;
        for (int i = 0; i < outputs.length; i++) {
            if (task.isRegression()) {
                double d = outputs[i][0] - goldScores[i];
                sum += d * d;
            } else {
                sum += Softmax.logSumExp(outputs[i]) - outputs[i][goldLabels[i]];
            }
        }
        return sum / outputs.length;
    }

    /** The task's metrics of a model's logits (classification) or scores (regression). */
    public static Evaluation of(GlueTask task, Logits logits, int[] goldLabels, double[] goldScores) {
        return of(task, logits.rows(), goldLabels, goldScores);
    }

    /** The task's metrics of class probabilities (the predicted label is the most probable one). */
    public static Evaluation of(GlueTask task, Probabilities probabilities, int[] goldLabels, double[] goldScores) {
        if (task.isRegression()) {
            throw new IllegalArgumentException("task " + task + " is a regression: it has scores, not probabilities");
        }
        return of(task, probabilities.rows(), goldLabels, goldScores);
    }

    /** {@link #loss(GlueTask, float[][], int[], double[])} of a model's logits or scores. */
    public static double loss(GlueTask task, Logits logits, int[] goldLabels, double[] goldScores) {
        return loss(task, logits.rows(), goldLabels, goldScores);
    }

    static int argMax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }

    /** The value of the task's main metric (model selection, sweeps). */
    public double main() {
        return metrics.get(Metric.mainFor(task));
    }

    /** E.g. {@code f1 0.8123, accuracy 0.7456}. */
    @Override
    public String toString() {
        return metrics.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.4f", e.getKey().key(), e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
