package org.kd4j.eval;

import java.util.Objects;

/**
 * A model's raw outputs, one row per example: unnormalised class scores {@code [N][C]} for classification, the
 * predicted score {@code [N][1]} for regression. Never probabilities: those are {@link Probabilities}, made by
 * {@link #probabilities(double)}. The record wraps the array without copying; hot loops read {@link #rows()} directly.
 *
 * @param rows {@code [N][C]}, rows of equal length
 */
public record Logits(float[][] rows) {

    public Logits {
        Objects.requireNonNull(rows, "rows");
    }

    /** Number of examples. */
    public int size() {
        return rows.length;
    }

    /** {@code softmax(z / temperature)} of every row (classification only). */
    public Probabilities probabilities(double temperature) {
        float[][] out = new float[rows.length][];
        double[] buffer = new double[rows.length == 0 ? 0 : rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            if (buffer.length < rows[i].length) {
                buffer = new double[rows[i].length];
            }
            Softmax.of(rows[i], temperature, buffer);
            out[i] = new float[rows[i].length];
            for (int c = 0; c < out[i].length; c++) {
                out[i][c] = (float) buffer[c];
            }
        }
        return new Probabilities(out);
    }
}
