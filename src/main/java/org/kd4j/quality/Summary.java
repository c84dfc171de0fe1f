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

    /** Below this, in points, a difference is floating-point noise (a mean of equal differences) and reads as a tie. */
    private static final double TIE_POINTS = 1e-9;

    /**
     * A difference in points, signed: {@code +1.2}, {@code -0.4}. One that one decimal would round to zero keeps its
     * sign with one significant digit ({@code -0.02}), because the goals and the methods' verdicts judge its sign; a
     * tie (within {@link #TIE_POINTS}) reads {@code +0.0}, never {@code -0.0}.
     */
    static String signed(double points) {
        if (Math.abs(points) < TIE_POINTS) {
            return "+0.0";
        }
        return String.format(Locale.ROOT, Math.abs(points) < 0.05 ? "%+.1g" : "%+.1f", points);
    }

    /** Decimals beyond which a difference that still reads on the wrong side of a threshold is printed as it is. */
    private static final int MAX_DECIMALS = 4;

    /**
     * A difference {@linkplain #signed signed}, with as many more decimals (up to {@value #MAX_DECIMALS}) as it takes
     * for the text to read on the same side of {@code threshold} as the value: a gain of 1.46 judged against 1.5 reads
     * {@code +1.46}, never {@code +1.5} beside "missed"; 1.5 itself and 1.54 read {@code +1.5}.
     */
    static String signed(double points, double threshold) {
        String text = signed(points);
        boolean above = atLeast(points, threshold);
        for (int decimals = 2; decimals <= MAX_DECIMALS && (Double.parseDouble(text) >= threshold) != above; decimals++) {
            text = String.format(Locale.ROOT, "%+." + decimals + "f", points);
        }
        return text;
    }

    /**
     * Whether a difference meets a {@code >= threshold} goal: the one rule every goal judges by, so that floating-point
     * noise (a gain of 1.4999999999 from points computed as metric x 100) does not miss a goal its printed value meets.
     */
    static boolean atLeast(double points, double threshold) {
        return points >= threshold - TIE_POINTS;
    }

    /**
     * {@code a - b} {@linkplain #signed(double, double) signed against} the threshold of the goal that judges it, then
     * both values: {@code +1.2 (85.3 vs 84.1)}.
     */
    static String comparison(double a, double b, double threshold) {
        return signed(a - b, threshold) + " (" + points(a) + " vs " + points(b) + ")";
    }
}
