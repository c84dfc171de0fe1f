package org.kd4j.quality;

import java.util.List;
import java.util.Locale;

/**
 * Mean and sample standard deviation of a cell's metric over the seeds done, in points (metric x 100).
 *
 * @param mean mean in points
 * @param std sample standard deviation (n - 1 in the denominator) in points; NaN for one value
 * @param n values
 */
public record Summary(double mean, double std, int n) {

    /** Of metric values (0..1 scale, or -1..1 for correlations), given in points. */
    public static Summary ofMetric(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        int n = values.size();
        double mean = values.stream().mapToDouble(v -> 100 * v).sum() / n;
        double squares = values.stream().mapToDouble(v -> (100 * v - mean) * (100 * v - mean)).sum();
        return new Summary(mean, n < 2 ? Double.NaN : Math.sqrt(squares / (n - 1)), n);
    }

    /** {@code 85.3 ± 0.4}; with fewer values than {@code planned}, {@code (n=2)} after it; one value has no ±. */
    public String format(int planned) {
        String text = Double.isNaN(std) ? points(mean) : points(mean) + " ± " + String.format(Locale.ROOT, "%.1f", std);
        return n < planned ? text + " (n=" + n + ")" : text;
    }

    static String points(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** {@code +1.2}, {@code -0.4}; a value that rounds to zero as {@code +0.0}, never {@code -0.0}. */
    static String signed(double points) {
        return String.format(Locale.ROOT, "%+.1f", Math.abs(points) < 0.05 ? 0.0 : points);
    }

    /**
     * {@code a - b} signed, then both values: {@code +1.2 (85.3 vs 84.1)}. A difference that one decimal would round to
     * zero keeps its sign with one significant digit ({@code -0.02 (13.2 vs 13.2)}), because the goals judge its sign;
     * only an exact tie reads {@code +0.0}.
     */
    static String comparison(double a, double b) {
        double d = a - b;
        String diff = d != 0 && Math.abs(d) < 0.05 ? String.format(Locale.ROOT, "%+.1g", d) : String.format(Locale.ROOT, "%+.1f", d);
        return diff + " (" + points(a) + " vs " + points(b) + ")";
    }
}
