package org.kd4j.eval;

/**
 * The one softmax of kd4j: {@code p_c = exp((z_c - max z) / T) / sum_k exp((z_k - max z) / T)}, computed in double
 * precision with the maximum subtracted first (no overflow for any finite logits). Writes into an array the caller
 * owns, so hot loops reuse one buffer and allocate nothing.
 */
public final class Softmax {

    private Softmax() {}

    /**
     * {@code softmax(z / temperature)} of one row of logits, written into {@code out}.
     *
     * @param out at least {@code z.length} long; its first {@code z.length} entries are overwritten
     * @return {@code out}
     */
    public static double[] of(float[] z, double temperature, double[] out) {
        checkTemperature(temperature);
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            out[c] = Math.exp((z[c] - max) / temperature);
            sum += out[c];
        }
        for (int c = 0; c < z.length; c++) {
            out[c] /= sum;
        }
        return out;
    }

    /** {@link #of(float[], double, double[])} for logits held in double precision. */
    public static double[] of(double[] z, double temperature, double[] out) {
        checkTemperature(temperature);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            out[c] = Math.exp((z[c] - max) / temperature);
            sum += out[c];
        }
        for (int c = 0; c < z.length; c++) {
            out[c] /= sum;
        }
        return out;
    }

    /** {@code log sum_c exp(z_c)}, stable: {@code max + log sum_c exp(z_c - max)}. */
    public static double logSumExp(float[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : z) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    /** {@link #logSumExp(float[])} for values held in double precision. */
    public static double logSumExp(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    private static void checkTemperature(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature: expected a finite value > 0, found " + temperature);
        }
    }
}
