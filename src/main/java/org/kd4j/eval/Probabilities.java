package org.kd4j.eval;

import java.util.Objects;

/**
 * Class probabilities, one row per example {@code [N][C]}, each row summing to 1: a softmax of {@link Logits}, or an
 * ensemble's mixture of its teachers' softmaxes. The record wraps the array without copying.
 *
 * @param rows {@code [N][C]}
 */
public record Probabilities(float[][] rows) {

    public Probabilities {
        Objects.requireNonNull(rows, "rows");
    }

    /** Number of examples. */
    public int size() {
        return rows.length;
    }

    /** Mean cross-entropy {@code -log p[gold]} against the gold labels (probabilities floored at 1e-12). */
    public double crossEntropy(int[] goldLabels) {
        if (goldLabels.length != rows.length) {
            throw new IllegalArgumentException("gold labels: expected " + rows.length + ", found " + goldLabels.length);
        }
        double sum = 0;
        for (int i = 0; i < goldLabels.length; i++) {
            sum -= Math.log(Math.max(1e-12, rows[i][goldLabels[i]]));
        }
        return sum / goldLabels.length;
    }
}
