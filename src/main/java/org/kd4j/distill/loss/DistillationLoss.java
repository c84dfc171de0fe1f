package org.kd4j.distill.loss;

import org.kd4j.config.SoftLoss;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The knowledge-distillation loss, built into an existing SameDiff graph on top of the student's logits
 * {@code z [B,C]} (FLOAT or DOUBLE; all placeholders get the same type).
 *
 * <h2>Classification</h2>
 * <pre>
 * total = hardWeight * sum_b m_b CE(y_b, softmax(z_b)) / max(1, sum_b m_b)
 *       + softWeight * soft
 *
 * CE(y, q)  = -sum_c y_c log q_c                            (y one-hot gold; a zero row when unlabeled)
 * soft (KL) = T^2 * mean_b KL(p_b || softmax(z_b / T))
 * KL(p||q)  = sum_c p_c (log p_c - log q_c),   0 log 0 = 0
 * soft (MSE_LOGITS) = mean_b mean_c (z_bc - zbar_bc)^2       (no temperature, no T^2)
 * </pre>
 * m is the gold mask (1 labeled, 0 unlabeled), so the hard term is a mean over the labeled examples only (0 for a
 * batch without labels), while the soft term is a mean over all B examples. p is the teachers' soft target at
 * temperature T and zbar their weighted mean logits ({@link EnsembleTargets}); both arrive through
 * {@link #SOFT_TARGETS}. The T^2 factor (Hinton et al. 2015) keeps the soft gradients' scale independent of T;
 * the {@code p log p} term does not change the gradients, but it is included so that the value is a true KL
 * (0 when the student matches the teachers).
 *
 * <h2>Regression (STS-B, C = 1)</h2>
 * <pre>
 * total = hardWeight * sum_b m_b (z_b - y_b)^2 / max(1, sum_b m_b) + softWeight * mean_b (z_b - zbar_b)^2
 * </pre>
 * with the gold score y in column 0 of {@link #GOLD} and the teachers' mean prediction zbar in {@link #SOFT_TARGETS}.
 *
 * <h2>Weights, not alpha</h2>
 * {@code hardWeight} multiplies the gold-label term and {@code softWeight} the teacher term, and they need not sum
 * to 1. There is deliberately no {@code alpha}: published code disagrees on what it weights (in some
 * {@code alpha * T^2 * KL + (1 - alpha) * CE}, in others alpha weights the hard term, and TextBrewer has separate
 * {@code hard_label_weight} and {@code kd_loss_weight}). For {@code alpha * soft + (1 - alpha) * hard}, set
 * {@code softWeight = alpha, hardWeight = 1 - alpha}.
 *
 * <h2>Further terms</h2>
 * The overloads taking an {@code extra} scalar add it to the total as it is: the {@link HiddenLoss} term
 * {@code hiddenWeight * L_hid}, which carries its own weight.
 *
 * <h2>Placeholders</h2>
 * Temperature and both weights are scalar placeholders, so schedules and sweeps need no rebuild. Fill them with
 * {@link #placeholders(int[], INDArray, double, double, double)} (classification) or
 * {@link #placeholders(double[], INDArray, double, double)} (regression). The loss variable is {@link #LOSS}; it is
 * registered with {@link SameDiff#setLossVariables(String...)}.
 */
public final class DistillationLoss {

    /** {@code [B,C]} one-hot gold labels (a zero row for an unlabeled example); regression: {@code [B,1]} scores. */
    public static final String GOLD = "kd_gold";
    /** {@code [B]}: 1 for a labeled example, 0 for an unlabeled one. */
    public static final String GOLD_MASK = "kd_gold_mask";
    /** {@code [B,C]}: the ensemble's soft target p (KL) or the teachers' mean logits (MSE_LOGITS, regression). */
    public static final String SOFT_TARGETS = "kd_soft_targets";
    /** Scalar temperature T > 0 (classification with {@link SoftLoss#KL} only). */
    public static final String TEMPERATURE = "kd_temperature";
    /** Scalar weight of the gold-label term. */
    public static final String HARD_WEIGHT = "kd_hard_weight";
    /** Scalar weight of the teacher term. */
    public static final String SOFT_WEIGHT = "kd_soft_weight";
    /** The scalar total loss. */
    public static final String LOSS = "kd_loss";

    /** Smallest value given to {@code log} in the {@code p log p} term; {@code p * log(max(p, TINY))} is 0 at p = 0. */
    private static final double TINY = 1e-30;

    private final SDVariable loss;
    private final DataType type;
    private final boolean regression;
    private final SoftLoss softLoss;
    private final long numClasses;

    private DistillationLoss(SDVariable loss, DataType type, boolean regression, SoftLoss softLoss, long numClasses) {
        this.loss = loss;
        this.type = type;
        this.regression = regression;
        this.softLoss = softLoss;
        this.numClasses = numClasses;
    }

    /**
     * Adds the classification loss to {@code sd}.
     *
     * @param studentLogits {@code [B,C]}, FLOAT or DOUBLE
     * @param numClasses C (placeholders are {@code [-1, C]})
     */
    public static DistillationLoss classification(SameDiff sd, SDVariable studentLogits, int numClasses,
            SoftLoss softLoss) {
        return classification(sd, studentLogits, numClasses, softLoss, null);
    }

    /**
     * Adds the classification loss plus a further scalar term {@code extra} (null: none) to {@code sd}.
     *
     * @see #classification(SameDiff, SDVariable, int, SoftLoss)
     */
    public static DistillationLoss classification(SameDiff sd, SDVariable studentLogits, int numClasses,
            SoftLoss softLoss, SDVariable extra) {
        Objects.requireNonNull(softLoss, "softLoss");
        DataType dt = checkedType(studentLogits);
        if (numClasses < 2) {
            throw new IllegalArgumentException("classification needs >= 2 classes, got " + numClasses);
        }
        SDVariable z = studentLogits;
        SDVariable gold = sd.placeHolder(GOLD, dt, -1, numClasses);
        SDVariable mask = sd.placeHolder(GOLD_MASK, dt, -1);
        SDVariable target = sd.placeHolder(SOFT_TARGETS, dt, -1, numClasses);
        SDVariable hardWeight = sd.placeHolder(HARD_WEIGHT, dt);
        SDVariable softWeight = sd.placeHolder(SOFT_WEIGHT, dt);

        // hard: sum_b m_b * (-sum_c y_bc log softmax(z)_bc) / max(1, sum_b m_b)
        SDVariable ce = gold.mul(logSoftmax(z)).sum(1).neg();
        SDVariable hard = maskedMean(sd, ce, mask, dt);

        SDVariable soft;
        if (softLoss == SoftLoss.KL) {
            SDVariable t = sd.placeHolder(TEMPERATURE, dt);
            SDVariable logQ = logSoftmax(z.div(t));
            SDVariable logP = sd.math().log(sd.math().max(target, sd.constant(Nd4j.scalar(dt, TINY))));
            SDVariable kl = target.mul(logP.sub(logQ)).sum(1);
            soft = t.mul(t).mul(kl.mean());
        } else {
            soft = sd.math().square(z.sub(target)).mean();
        }
        SDVariable total = total(hardWeight.mul(hard), softWeight.mul(soft), extra);
        sd.setLossVariables(total);
        return new DistillationLoss(total, dt, false, softLoss, numClasses);
    }

    /**
     * Adds the regression loss (STS-B) to {@code sd}: squared error to the gold score and to the teachers' mean
     * prediction. No {@link #TEMPERATURE} placeholder is created.
     *
     * @param studentOutput {@code [B,1]}, FLOAT or DOUBLE
     */
    public static DistillationLoss regression(SameDiff sd, SDVariable studentOutput) {
        return regression(sd, studentOutput, null);
    }

    /** The regression loss plus a further scalar term {@code extra} (null: none); see {@link #regression(SameDiff, SDVariable)}. */
    public static DistillationLoss regression(SameDiff sd, SDVariable studentOutput, SDVariable extra) {
        DataType dt = checkedType(studentOutput);
        SDVariable z = studentOutput;
        SDVariable gold = sd.placeHolder(GOLD, dt, -1, 1);
        SDVariable mask = sd.placeHolder(GOLD_MASK, dt, -1);
        SDVariable target = sd.placeHolder(SOFT_TARGETS, dt, -1, 1);
        SDVariable hardWeight = sd.placeHolder(HARD_WEIGHT, dt);
        SDVariable softWeight = sd.placeHolder(SOFT_WEIGHT, dt);

        // [B,1] -> [B] by reshape: a sum over the size-1 dimension hits a null input in M2.1's reduce no-op
        // shortcut (BaseReduceOp.noOp) when run inside SameDiff
        SDVariable hard = maskedMean(sd, sd.reshape(sd.math().square(z.sub(gold)), -1), mask, dt);
        SDVariable soft = sd.math().square(z.sub(target)).mean();
        SDVariable total = total(hardWeight.mul(hard), softWeight.mul(soft), extra);
        sd.setLossVariables(total);
        return new DistillationLoss(total, dt, true, null, 1);
    }

    /** {@code hard + soft (+ extra)}, named {@link #LOSS}. */
    private static SDVariable total(SDVariable hard, SDVariable soft, SDVariable extra) {
        return extra == null ? hard.add(LOSS, soft) : hard.add(soft).add(LOSS, extra);
    }

    /** The scalar loss variable, named {@link #LOSS}. */
    public SDVariable output() {
        return loss;
    }

    /** The data type of the loss and of its placeholders. */
    public DataType dataType() {
        return type;
    }

    /**
     * The loss placeholders for one classification batch.
     *
     * @param gold {@code [B]} gold classes, -1 for unlabeled
     * @param softTargets {@code [B,C]}: {@link EnsembleTargets#softTargets(DataType)} for {@link SoftLoss#KL},
     *     {@link EnsembleTargets#meanLogits(DataType)} for {@link SoftLoss#MSE_LOGITS}
     * @param temperature T > 0 (ignored for MSE_LOGITS, which has no temperature placeholder)
     */
    public Map<String, INDArray> placeholders(int[] gold, INDArray softTargets, double temperature,
            double hardWeight, double softWeight) {
        if (regression) {
            throw new IllegalStateException("this is a regression loss: give gold scores as double[]");
        }
        int batch = gold.length;
        checkTargets(softTargets, batch, numClasses);
        double[][] oneHot = new double[batch][(int) numClasses];
        double[] mask = new double[batch];
        for (int b = 0; b < batch; b++) {
            if (gold[b] < -1 || gold[b] >= numClasses) {
                throw new IllegalArgumentException("gold[" + b + "] = " + gold[b] + " is not -1 or a class in [0, "
                        + numClasses + ")");
            }
            if (gold[b] >= 0) {
                oneHot[b][gold[b]] = 1;
                mask[b] = 1;
            }
        }
        Map<String, INDArray> feed = common(oneHot, mask, softTargets, hardWeight, softWeight);
        if (softLoss == SoftLoss.KL) {
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
            }
            feed.put(TEMPERATURE, Nd4j.scalar(type, temperature));
        }
        return feed;
    }

    /**
     * The loss placeholders for one regression batch.
     *
     * @param gold {@code [B]} gold scores, {@code NaN} for unlabeled
     * @param teacherMean {@code [B,1]} the teachers' mean prediction ({@link EnsembleTargets#meanLogits(DataType)})
     */
    public Map<String, INDArray> placeholders(double[] gold, INDArray teacherMean, double hardWeight,
            double softWeight) {
        if (!regression) {
            throw new IllegalStateException("this is a classification loss: give gold classes as int[]");
        }
        int batch = gold.length;
        checkTargets(teacherMean, batch, 1);
        double[][] y = new double[batch][1];
        double[] mask = new double[batch];
        for (int b = 0; b < batch; b++) {
            if (!Double.isNaN(gold[b])) {
                y[b][0] = gold[b];
                mask[b] = 1;
            }
        }
        return common(y, mask, teacherMean, hardWeight, softWeight);
    }

    private Map<String, INDArray> common(double[][] gold, double[] mask, INDArray targets, double hardWeight,
            double softWeight) {
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(GOLD, Nd4j.createFromArray(gold).castTo(type));
        feed.put(GOLD_MASK, Nd4j.createFromArray(mask).castTo(type));
        feed.put(SOFT_TARGETS, targets.castTo(type));
        feed.put(HARD_WEIGHT, Nd4j.scalar(type, hardWeight));
        feed.put(SOFT_WEIGHT, Nd4j.scalar(type, softWeight));
        return feed;
    }

    private static void checkTargets(INDArray targets, int batch, long columns) {
        Objects.requireNonNull(targets, "soft targets");
        if (targets.rank() != 2 || targets.size(0) != batch || targets.size(1) != columns) {
            throw new IllegalArgumentException("soft targets must be [" + batch + "," + columns + "], got "
                    + java.util.Arrays.toString(targets.shape()));
        }
    }

    /**
     * {@code x - logsumexp(x)} along dimension 1, with the row max subtracted first. Written out because
     * {@code sd.nn().logSoftmax(x, dim)} fails to build gradients in M2.1 (see the field notes).
     */
    static SDVariable logSoftmax(SDVariable x) {
        SameDiff sd = x.getSameDiff();
        SDVariable shifted = x.sub(x.max(true, 1));
        return shifted.sub(sd.math().log(sd.math().exp(shifted).sum(true, 1)));
    }

    /** {@code sum_b mask_b v_b / max(1, sum_b mask_b)}. */
    private static SDVariable maskedMean(SameDiff sd, SDVariable perExample, SDVariable mask, DataType dt) {
        SDVariable count = sd.math().max(mask.sum(), sd.constant(Nd4j.scalar(dt, 1.0)));
        return perExample.mul(mask).sum().div(count);
    }

    private static DataType checkedType(SDVariable logits) {
        Objects.requireNonNull(logits, "student logits");
        DataType dt = logits.dataType();
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            throw new IllegalArgumentException("student logits must be FLOAT or DOUBLE, got " + dt);
        }
        return dt;
    }
}
