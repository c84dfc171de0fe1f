package org.kd4j.distill.loss;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.kd4j.config.DistillConfig;
import org.kd4j.config.WeightingScheme;
import org.kd4j.eval.Softmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What an ensemble of K teachers teaches on one batch of B examples with C outputs, computed in plain Java
 * (double precision, no graph) from the teachers' logits {@code z_k} ({@code [K][B][C]}):
 * <ul>
 *   <li>{@link #weights()} {@code w [B][K]}: per-example teacher weights from the {@link WeightingScheme}
 *       (non-negative, each row sums to 1; the weighting always uses softmax at T = 1);</li>
 *   <li>{@link #softTargets()} {@code p [B][C]}: {@code p = sum_k w_k softmax(z_k / T)}, or with
 *       {@code averageLogits} {@code p = softmax((sum_k w_k z_k) / T)};</li>
 *   <li>{@link #meanLogits()} {@code zbar [B][C] = sum_k w_k z_k}: the target of {@link SoftLoss#MSE_LOGITS} and,
 *       with C = 1, of STS-B regression;</li>
 *   <li>{@link #hardLabels()} {@code argmax_c p} (ties to the lowest class): pseudo-labels for unlabeled
 *       transfer data.</li>
 * </ul>
 * Softmax subtracts the row maximum first, so large logits do not overflow.
 */
public final class EnsembleTargets {

    private final double[][] weights;
    private final double[][] softTargets;
    private final double[][] meanLogits;
    private final int[] hardLabels;

    private EnsembleTargets(double[][] weights, double[][] softTargets, double[][] meanLogits, int[] hardLabels) {
        this.weights = weights;
        this.softTargets = softTargets;
        this.meanLogits = meanLogits;
        this.hardLabels = hardLabels;
    }

    /**
     * How an ensemble combines its teachers: one description shared by the distillation targets during training and by
     * the ensemble's own predictions (its dev row), so that both combine the teachers the same way.
     *
     * @param weighting how teachers are weighted per example
     * @param fixedWeights {@code [K]} for {@link WeightingScheme#FIXED} (normalised to sum 1); empty otherwise
     * @param averageLogits combine logits before the softmax instead of probabilities after it
     */
    public record Combination(WeightingScheme weighting, List<Double> fixedWeights, boolean averageLogits) {

        public Combination {
            Objects.requireNonNull(weighting, "weighting");
            fixedWeights = fixedWeights == null ? List.of() : List.copyOf(fixedWeights);
        }

        /** How {@code distill} combines its teachers. */
        public static Combination of(DistillConfig distill) {
            return new Combination(distill.weighting(), distill.teacherWeights(), distill.averageLogits());
        }

        /** Uniform weights over probabilities. */
        public static Combination uniform() {
            return new Combination(WeightingScheme.UNIFORM, List.of(), false);
        }

        /** The targets of {@code teacherLogits} {@code [K][B][C]} at {@code temperature}; see {@link #compute}. */
        public EnsembleTargets targets(float[][][] teacherLogits, int[] gold, double temperature) {
            return targets(teacherLogits, gold, null, temperature);
        }

        /**
         * As {@link #targets(float[][][], int[], double)}, with the gold scores of a regression task ({@code C = 1}) for
         * {@link WeightingScheme#TEACHER_LOSS}; see {@link #compute(double[][][], int[], double[], WeightingScheme,
         * double[], double, boolean)}.
         */
        public EnsembleTargets targets(float[][][] teacherLogits, int[] gold, double[] goldScores, double temperature) {
            double[] fixed = fixedWeights.stream().mapToDouble(Double::doubleValue).toArray();
            return compute(toDouble(teacherLogits), gold, goldScores, weighting, fixed.length == 0 ? null : fixed,
                    temperature, averageLogits);
        }

        /**
         * The ensemble's prediction of each example at T = 1: its probabilities {@code p} (classification) or the
         * weighted mean of its teachers' scores (regression, C = 1). No gold labels at prediction time: the
         * {@link WeightingScheme#TEACHER_LOSS} weighting falls back to confidence.
         *
         * @param teacherLogits {@code [K][N][C]}
         */
        public float[][] predict(float[][][] teacherLogits, boolean regression) {
            EnsembleTargets t = targets(teacherLogits, null, 1.0);
            double[][] values = regression ? t.meanLogits : t.softTargets;
            float[][] out = new float[values.length][];
            for (int i = 0; i < values.length; i++) {
                out[i] = new float[values[i].length];
                for (int c = 0; c < values[i].length; c++) {
                    out[i][c] = (float) values[i][c];
                }
            }
            return out;
        }
    }

    /**
     * @param teacherLogits {@code [K,B,C]} (any floating type)
     * @see #compute(double[][][], int[], WeightingScheme, double[], double, boolean)
     */
    public static EnsembleTargets compute(INDArray teacherLogits, int[] gold, WeightingScheme scheme,
            double[] fixedWeights, double temperature, boolean averageLogits) {
        Objects.requireNonNull(teacherLogits, "teacherLogits");
        if (teacherLogits.rank() != 3) {
            throw new IllegalArgumentException("teacherLogits must be [K,B,C], got shape "
                    + Arrays.toString(teacherLogits.shape()));
        }
        long[] s = teacherLogits.shape();
        double[][][] z = new double[(int) s[0]][(int) s[1]][(int) s[2]];
        INDArray d = teacherLogits.castTo(DataType.DOUBLE);
        for (int k = 0; k < s[0]; k++) {
            for (int b = 0; b < s[1]; b++) {
                for (int c = 0; c < s[2]; c++) {
                    z[k][b][c] = d.getDouble(k, b, c);
                }
            }
        }
        return compute(z, gold, scheme, fixedWeights, temperature, averageLogits);
    }

    /** @param teacherLogits {@code [K][B][C]} */
    public static EnsembleTargets compute(float[][][] teacherLogits, int[] gold, WeightingScheme scheme,
            double[] fixedWeights, double temperature, boolean averageLogits) {
        return compute(toDouble(teacherLogits), gold, scheme, fixedWeights, temperature, averageLogits);
    }

    private static double[][][] toDouble(float[][][] teacherLogits) {
        Objects.requireNonNull(teacherLogits, "teacherLogits");
        double[][][] z = new double[teacherLogits.length][][];
        for (int k = 0; k < z.length; k++) {
            z[k] = new double[teacherLogits[k].length][];
            for (int b = 0; b < z[k].length; b++) {
                float[] row = teacherLogits[k][b];
                z[k][b] = new double[row.length];
                for (int c = 0; c < row.length; c++) {
                    z[k][b][c] = row[c];
                }
            }
        }
        return z;
    }

    /**
     * @param teacherLogits {@code [K][B][C]}, K >= 1, B >= 1, C >= 1, all finite
     * @param gold {@code [B]} gold class in {@code [0, C)}, or -1 for an unlabeled example; {@code null} means all
     *     unlabeled. Only {@link WeightingScheme#TEACHER_LOSS} reads it.
     * @param scheme how teachers are weighted per example
     * @param fixedWeights {@code [K]} for {@link WeightingScheme#FIXED} (normalised to sum 1); ignored otherwise
     * @param temperature T > 0 of the soft targets
     * @param averageLogits combine logits before the softmax instead of probabilities after it
     */
    public static EnsembleTargets compute(double[][][] teacherLogits, int[] gold, WeightingScheme scheme,
            double[] fixedWeights, double temperature, boolean averageLogits) {
        return compute(teacherLogits, gold, null, scheme, fixedWeights, temperature, averageLogits);
    }

    /**
     * As {@link #compute(double[][][], int[], WeightingScheme, double[], double, boolean)}, for a regression task
     * ({@code C = 1}) with its gold scores: {@link WeightingScheme#TEACHER_LOSS} then weights by each teacher's squared
     * error on the example, {@code w_k = softmax_k(-(z_k - y)^2)} (MT-BERT's {@code softmax(-loss)} with the task's own
     * loss); an example whose score is NaN (unlabeled) falls back to {@link WeightingScheme#CONFIDENCE}, which is uniform
     * for {@code C = 1}.
     *
     * @param goldScores {@code [B]} gold scores, NaN for an unlabeled example; {@code null} means all unlabeled. Only
     *     with {@code C = 1} and {@code gold == null}
     */
    public static EnsembleTargets compute(double[][][] teacherLogits, int[] gold, double[] goldScores, WeightingScheme scheme,
            double[] fixedWeights, double temperature, boolean averageLogits) {
        Objects.requireNonNull(scheme, "scheme");
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        int numTeachers = teacherLogits.length;
        if (numTeachers == 0 || teacherLogits[0].length == 0 || teacherLogits[0][0].length == 0) {
            throw new IllegalArgumentException("teacherLogits must be [K][B][C] with K, B, C >= 1");
        }
        int batch = teacherLogits[0].length;
        int classes = teacherLogits[0][0].length;
        for (int k = 0; k < numTeachers; k++) {
            if (teacherLogits[k].length != batch) {
                throw new IllegalArgumentException("teacherLogits[" + k + "] has " + teacherLogits[k].length
                        + " examples, teacher 0 has " + batch);
            }
            for (int b = 0; b < batch; b++) {
                if (teacherLogits[k][b].length != classes) {
                    throw new IllegalArgumentException("teacherLogits[" + k + "][" + b + "] has "
                            + teacherLogits[k][b].length + " outputs, expected " + classes);
                }
                for (double v : teacherLogits[k][b]) {
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("teacherLogits[" + k + "][" + b + "] is not finite: "
                                + Arrays.toString(teacherLogits[k][b]));
                    }
                }
            }
        }
        if (gold != null) {
            if (gold.length != batch) {
                throw new IllegalArgumentException("gold has " + gold.length + " labels for " + batch + " examples");
            }
            for (int b = 0; b < batch; b++) {
                if (gold[b] < -1 || gold[b] >= classes) {
                    throw new IllegalArgumentException("gold[" + b + "] = " + gold[b] + " is not -1 or a class in [0, "
                            + classes + ")");
                }
            }
        }
        if (goldScores != null) {
            if (classes != 1 || gold != null) {
                throw new IllegalArgumentException("gold scores are for regression (1 output, no gold classes); got "
                        + classes + " outputs" + (gold != null ? " and gold classes" : ""));
            }
            if (goldScores.length != batch) {
                throw new IllegalArgumentException("goldScores has " + goldScores.length + " scores for " + batch + " examples");
            }
            for (int b = 0; b < batch; b++) {
                if (Double.isInfinite(goldScores[b])) {
                    throw new IllegalArgumentException("goldScores[" + b + "] = " + goldScores[b] + " is not finite or NaN");
                }
            }
        }
        double[] fixed = scheme == WeightingScheme.FIXED ? normalisedFixed(fixedWeights, numTeachers) : null;

        double[][] w = new double[batch][numTeachers];
        double[][] p = new double[batch][classes];
        double[][] zbar = new double[batch][classes];
        int[] hard = new int[batch];
        double[][] probsT1 = new double[numTeachers][];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < numTeachers; k++) {
                probsT1[k] = softmax(teacherLogits[k][b], 1.0);
            }
            int label = gold == null ? -1 : gold[b];
            w[b] = switch (scheme) {
                case UNIFORM -> uniform(numTeachers);
                case FIXED -> fixed.clone();
                case CONFIDENCE -> confidence(probsT1);
                case TEACHER_LOSS -> goldScores != null && !Double.isNaN(goldScores[b])
                        ? squaredErrorWeights(teacherLogits, b, goldScores[b])
                        : label < 0 ? confidence(probsT1) : teacherLoss(teacherLogits, b, label);
            };
            for (int k = 0; k < numTeachers; k++) {
                for (int c = 0; c < classes; c++) {
                    zbar[b][c] += w[b][k] * teacherLogits[k][b][c];
                }
            }
            if (averageLogits) {
                p[b] = softmax(zbar[b], temperature);
            } else {
                for (int k = 0; k < numTeachers; k++) {
                    double[] q = temperature == 1.0 ? probsT1[k] : softmax(teacherLogits[k][b], temperature);
                    for (int c = 0; c < classes; c++) {
                        p[b][c] += w[b][k] * q[c];
                    }
                }
            }
            hard[b] = argmax(p[b]);
        }
        return new EnsembleTargets(w, p, zbar, hard);
    }

    /** Per-example teacher weights {@code [B][K]}, each row summing to 1 (a copy). */
    public double[][] weights() {
        return deepCopy(weights);
    }

    /** Soft targets {@code p [B][C]}, each row a probability distribution (a copy). */
    public double[][] softTargets() {
        return deepCopy(softTargets);
    }

    /** Weighted mean teacher logits {@code [B][C]} (a copy). */
    public double[][] meanLogits() {
        return deepCopy(meanLogits);
    }

    /** {@code argmax_c p} per example (a copy). */
    public int[] hardLabels() {
        return hardLabels.clone();
    }

    /** {@link #softTargets()} as a {@code [B,C]} array of the given type, e.g. for {@link DistillationLoss#SOFT_TARGETS}. */
    public INDArray softTargets(DataType type) {
        return Nd4j.createFromArray(softTargets).castTo(type);
    }

    /** {@link #meanLogits()} as a {@code [B,C]} array of the given type. */
    public INDArray meanLogits(DataType type) {
        return Nd4j.createFromArray(meanLogits).castTo(type);
    }

    /** Numerically stable {@code softmax(z / T)} ({@link Softmax}, the one implementation). */
    static double[] softmax(double[] z, double temperature) {
        return Softmax.of(z, temperature, new double[z.length]);
    }

    private static double[] uniform(int numTeachers) {
        double[] w = new double[numTeachers];
        Arrays.fill(w, 1.0 / numTeachers);
        return w;
    }

    private static double[] confidence(double[][] probs) {
        double[] w = new double[probs.length];
        double sum = 0;
        for (int k = 0; k < probs.length; k++) {
            w[k] = Arrays.stream(probs[k]).max().orElseThrow();
            sum += w[k];
        }
        for (int k = 0; k < w.length; k++) {
            w[k] /= sum;
        }
        return w;
    }

    /** {@code softmax_k(-CE_k)}, with {@code -CE_k = log softmax(z_k)_y = z_ky - logsumexp(z_k)}. */
    private static double[] teacherLoss(double[][][] z, int b, int label) {
        double[] negCe = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            negCe[k] = z[k][b][label] - Softmax.logSumExp(z[k][b]);
        }
        return softmax(negCe, 1.0);
    }

    /** {@code softmax_k(-(z_k - y)^2)} for a one-output (regression) example with gold score {@code y}. */
    private static double[] squaredErrorWeights(double[][][] z, int b, double score) {
        double[] negLoss = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            double error = z[k][b][0] - score;
            negLoss[k] = -error * error;
        }
        return softmax(negLoss, 1.0);
    }

    private static double[] normalisedFixed(double[] fixedWeights, int numTeachers) {
        if (fixedWeights == null || fixedWeights.length != numTeachers) {
            throw new IllegalArgumentException("scheme FIXED needs " + numTeachers + " teacher weights, got "
                    + (fixedWeights == null ? "none" : Arrays.toString(fixedWeights)));
        }
        double sum = 0;
        for (double a : fixedWeights) {
            if (!(a >= 0) || Double.isInfinite(a)) {
                throw new IllegalArgumentException("teacher weights must be finite and >= 0, got "
                        + Arrays.toString(fixedWeights));
            }
            sum += a;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("teacher weights must not all be 0: " + Arrays.toString(fixedWeights));
        }
        double[] w = new double[numTeachers];
        for (int k = 0; k < numTeachers; k++) {
            w[k] = fixedWeights[k] / sum;
        }
        return w;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] copy = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            copy[i] = a[i].clone();
        }
        return copy;
    }
}
