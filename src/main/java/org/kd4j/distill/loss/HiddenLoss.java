package org.kd4j.distill.loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kd4j.model.ClassifierGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The multi-teacher hidden loss, built into the student's SameDiff graph on top of its pooled representation
 * {@code h [B, d_s]} (the input of its classifier head, {@link ClassifierGraph#FEATURES}), and added to the
 * {@link DistillationLoss} total:
 *
 * <pre>
 * total += hiddenWeight * L_hid
 *
 * L_hid = sum_k  sum_b w_bk * MSE_bk / B
 * MSE_bk = (1 / d_k) sum_j ((h_b W_k + c_k)_j - t_kbj)^2
 * </pre>
 * with {@code t_k [B, d_k]} teacher k's pooled representation of the batch (cached beside its logits), {@code W_k [d_s,
 * d_k]} and {@code c_k [1, d_k]} a learned projection per teacher, and {@code w [B, K]} the per-example teacher weights
 * the ensemble already uses for the soft labels ({@link EnsembleTargets#weights()}: uniform, fixed, confidence or
 * teacher_loss; each row sums to 1, so with one teacher or uniform weights L_hid is the mean of the teachers' MSEs).
 * The projections are trained with the student (AdamW, the student's learning rate and schedule, inside its global
 * gradient-norm clipping) but belong to the loss, not to the model: their names start with
 * {@link ClassifierGraph#LOSS_PREFIX}, so they are not among the model's parameters and are neither saved, checkpointed
 * nor exported. They start as {@code W ~ N(0, 1/d_s)} (seeded), {@code c = 0}.
 *
 * <h2>What MT-BERT does, and what differs here</h2>
 * MT-BERT (Wu, Wu and Huang, Findings of ACL 2021) matches the student's hidden states to each teacher's through a
 * learned linear transformation per teacher and sums the teachers' MSE terms, weighting each teacher by how well it
 * fits the gold label (the same weight as its soft labels). Differences, deliberate: (1) one vector per example, the
 * pooled representation, instead of the per-layer token states (those would have to be recomputed or cached at
 * {@code B x L x d} per layer; the pooled vector is cached at {@code d} floats per example); (2) the teacher weights are
 * whatever {@code distill.weighting} says ({@code teacher_loss} is the MT-BERT-like choice,
 * {@code softmax_k(-CE_k)}), normalised per example, rather than a separate weighting of the hidden term; (3) MSE is a
 * mean over the teacher's width, so teachers of different widths weigh alike. The paper's exact equation could not be
 * re-read when this was written; the form above is the one implemented and tested.
 *
 * <h2>Placeholders</h2>
 * {@link #TARGET_PREFIX}{@code k} {@code [B, d_k]}, {@link #WEIGHTS} {@code [B, K]}, {@link #WEIGHT} scalar; fill them
 * with {@link #placeholders}.
 */
public final class HiddenLoss {

    /** Placeholder of teacher k's pooled representations: {@code kd_hidden_target_<k>}, {@code [B, d_k]}. */
    public static final String TARGET_PREFIX = ClassifierGraph.LOSS_PREFIX + "hidden_target_";
    /** Placeholder of the per-example teacher weights {@code [B, K]}. */
    public static final String WEIGHTS = ClassifierGraph.LOSS_PREFIX + "hidden_teacher_weights";
    /** Placeholder of the scalar weight of the term ({@code distill.hidden_weight}, times the part's share of a batch). */
    public static final String WEIGHT = ClassifierGraph.LOSS_PREFIX + "hidden_weight";
    /** The scalar {@code hiddenWeight * L_hid}. */
    public static final String TERM = ClassifierGraph.LOSS_PREFIX + "hidden_term";

    private final SDVariable term;
    private final DataType type;
    private final int[] teacherWidths;
    private final List<String> projectionNames;

    private HiddenLoss(SDVariable term, DataType type, int[] teacherWidths, List<String> projectionNames) {
        this.term = term;
        this.type = type;
        this.teacherWidths = teacherWidths;
        this.projectionNames = projectionNames;
    }

    /** The name of teacher k's projection matrix {@code W_k [d_s, d_k]}. */
    public static String projection(int k) {
        return ClassifierGraph.LOSS_PREFIX + "hidden_proj" + k + "_w";
    }

    /** The name of teacher k's projection bias {@code c_k [1, d_k]}. */
    public static String bias(int k) {
        return ClassifierGraph.LOSS_PREFIX + "hidden_proj" + k + "_b";
    }

    /**
     * Fresh projections for a student of pooled width {@code studentWidth} and teachers of pooled widths
     * {@code teacherWidths}: {@code W_k ~ N(0, 1/d_s)} from {@code seed}, {@code c_k = 0}; by name, in teacher order.
     */
    public static Map<String, INDArray> initialProjections(int studentWidth, int[] teacherWidths, DataType type, long seed) {
        if (studentWidth < 1) {
            throw new IllegalArgumentException("student pooled width must be >= 1, got " + studentWidth);
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        java.util.Random rng = new java.util.Random(seed);
        for (int k = 0; k < teacherWidths.length; k++) {
            if (teacherWidths[k] < 1) {
                throw new IllegalArgumentException("teacher " + k + " pooled width must be >= 1, got " + teacherWidths[k]);
            }
            double[][] w = new double[studentWidth][teacherWidths[k]];
            for (double[] row : w) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rng.nextGaussian() / Math.sqrt(studentWidth);
                }
            }
            out.put(projection(k), Nd4j.createFromArray(w).castTo(type));
            out.put(bias(k), Nd4j.zeros(type, 1, teacherWidths[k]));
        }
        return out;
    }

    /**
     * Adds the term to {@code sd}: the projections become variables of the graph holding the given arrays (so that
     * graphs of several workers can share one set), the targets, weights and term weight placeholders.
     *
     * @param studentPooled {@code [B, d_s]}, FLOAT or DOUBLE
     * @param projections {@link #initialProjections} (or the arrays another graph's loss uses): a matrix and a bias per
     *     teacher, of this type
     */
    public static HiddenLoss add(SameDiff sd, SDVariable studentPooled, Map<String, INDArray> projections) {
        Objects.requireNonNull(studentPooled, "studentPooled");
        DataType dt = studentPooled.dataType();
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            throw new IllegalArgumentException("student pooled representation must be FLOAT or DOUBLE, got " + dt);
        }
        int teachers = projections.size() / 2;
        if (teachers < 1 || projections.size() != 2 * teachers) {
            throw new IllegalArgumentException("projections must hold a matrix and a bias per teacher, got "
                    + projections.keySet());
        }
        int[] widths = new int[teachers];
        List<String> names = new ArrayList<>();
        SDVariable weights = sd.placeHolder(WEIGHTS, dt, -1, teachers);
        SDVariable sum = null;
        for (int k = 0; k < teachers; k++) {
            INDArray w = projections.get(projection(k));
            INDArray c = projections.get(bias(k));
            if (w == null || c == null || w.rank() != 2 || c.rank() != 2 || c.size(1) != w.size(1)) {
                throw new IllegalArgumentException("projection of teacher " + k + " missing or misshapen: "
                        + (w == null ? "none" : Arrays.toString(w.shape())) + ", bias "
                        + (c == null ? "none" : Arrays.toString(c.shape())));
            }
            widths[k] = (int) w.size(1);
            SDVariable wk = sd.var(projection(k), w);
            SDVariable ck = sd.var(bias(k), c);
            names.add(projection(k));
            names.add(bias(k));
            SDVariable target = sd.placeHolder(TARGET_PREFIX + k, dt, -1, widths[k]);
            // [B]: mean over the teacher's width of the squared difference, as a product with a column of 1/d_k (a mean
            // over a dimension of size 1 hits a null input in M2.1's reduce no-op shortcut, see DistillationLoss)
            SDVariable squared = sd.math().square(studentPooled.mmul(wk).add(ck).sub(target));
            SDVariable mse = sd.reshape(squared.mmul(sd.constant(Nd4j.valueArrayOf(new long[] {widths[k], 1}, 1.0 / widths[k], dt))), -1);
            // w[:, k] as [B] through a one-hot column product (a plain matmul, whose gradient M2.1 builds reliably)
            INDArray pick = Nd4j.zeros(dt, teachers, 1);
            pick.putScalar(k, 0, 1.0);
            SDVariable weightOfK = sd.reshape(weights.mmul(sd.constant(pick)), -1);
            SDVariable weighted = mse.mul(weightOfK).mean();
            sum = sum == null ? weighted : sum.add(weighted);
        }
        SDVariable scale = sd.placeHolder(WEIGHT, dt);
        SDVariable term = scale.mul(TERM, sum);
        return new HiddenLoss(term, dt, widths, List.copyOf(names));
    }

    /** The scalar {@code hiddenWeight * L_hid}, to be added to the total loss. */
    public SDVariable term() {
        return term;
    }

    /** The pooled width of each teacher, in order. */
    public int[] teacherWidths() {
        return teacherWidths.clone();
    }

    /** The names of the projection variables (trainable with the student, not part of it). */
    public List<String> projectionNames() {
        return projectionNames;
    }

    /**
     * The placeholders of one batch.
     *
     * @param targets {@code [K][B][d_k]} the teachers' pooled representations of the batch's examples
     * @param weights {@code [B][K]} per-example teacher weights ({@link EnsembleTargets#weights()})
     * @param hiddenWeight the term's weight (times a part's share of its batch)
     */
    public Map<String, INDArray> placeholders(float[][][] targets, double[][] weights, double hiddenWeight) {
        int teachers = teacherWidths.length;
        if (targets.length != teachers) {
            throw new IllegalArgumentException("expected the pooled representations of " + teachers + " teachers, got "
                    + targets.length);
        }
        int batch = weights.length;
        Map<String, INDArray> feed = new HashMap<>();
        for (int k = 0; k < teachers; k++) {
            if (targets[k].length != batch || (batch > 0 && targets[k][0].length != teacherWidths[k])) {
                throw new IllegalArgumentException("teacher " + k + ": pooled representations must be [" + batch + ","
                        + teacherWidths[k] + "], got [" + targets[k].length + ","
                        + (targets[k].length == 0 ? 0 : targets[k][0].length) + "]");
            }
            feed.put(TARGET_PREFIX + k, Nd4j.createFromArray(targets[k]).castTo(type));
        }
        for (double[] row : weights) {
            if (row.length != teachers) {
                throw new IllegalArgumentException("teacher weights must be [" + batch + "," + teachers + "]");
            }
        }
        feed.put(WEIGHTS, Nd4j.createFromArray(weights).castTo(type));
        feed.put(WEIGHT, Nd4j.scalar(type, hiddenWeight));
        return feed;
    }
}
