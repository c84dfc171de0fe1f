package org.kd4j.distill.loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kd4j.config.LayerDistillation;
import org.kd4j.model.ClassifierGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Intermediate-layer distillation from one transformer teacher (TinyBERT, Jiao et al. 2020; MiniLM's attention
 * transfer, Wang et al. 2020), built into a transformer student's graph on top of its named layer outputs and attention
 * probabilities ({@link ClassifierGraph#layerOutput}, {@link ClassifierGraph#layerAttention}), added to the
 * {@link DistillationLoss} total. For the N pairs (s_i, t_i) of {@code distill.layers.map}:
 *
 * <pre>
 * term = hiddenWeight * (1/N) sum_i HID_i + attentionWeight * (1/N) sum_i ATT_i
 *
 * HID_i = sum_{b,l} m_bl * mean_j ((S_i[b,l] W_i + c_i)_j - T_i[b,l,j])^2 / max(1, sum m)
 * ATT_i = sum_{b,l} m_bl * (1/H) sum_h KL(A^T_i[b,h,l,:] || A^S_i[b,h,l,:]) / max(1, sum m)
 * KL(p || q) = sum_k p_k (log max(p_k, 1e-30) - log max(q_k, 1e-30))
 * </pre>
 * {@code S_i [B*L, d_s]} is the student's layer s_i output and {@code T_i [B*L, d_t]} the teacher's layer t_i output on
 * the same tokens; {@code A^S, A^T [B, H, L, L]} their attention probabilities (query l, key k); {@code m [B, L]} the
 * attention mask (padding positions count for nothing: padded keys have probability ~0 in both, and padded queries are
 * masked). {@code W_i [d_s, d_t]}, {@code c_i} is a learned projection when the widths differ (a loss variable, named
 * {@link ClassifierGraph#LOSS_PREFIX}{@code layer_proj<i>_w/_b}, trained with the student and not part of it); when they
 * are equal the states are compared directly, as in MiniLM. <b>Heads</b>: when student and teacher have the same number
 * of heads, the KL is taken head by head and averaged; otherwise both sides' attention is first averaged over their
 * heads (one distribution per query) and the KL is taken once (H = 1 above).
 *
 * <p>The teacher's targets are per token, so they are computed on the fly from the teacher's graph on every batch, not
 * cached: a cache would hold {@code L x d} floats per layer per example (see {@code docs/hidden-losses.md} for its size
 * on SST-2).
 */
public final class LayerLoss {

    /** Scalar placeholder: weight of the hidden-state term. */
    public static final String HIDDEN_WEIGHT = ClassifierGraph.LOSS_PREFIX + "layer_hidden_weight";
    /** Scalar placeholder: weight of the attention term. */
    public static final String ATTENTION_WEIGHT = ClassifierGraph.LOSS_PREFIX + "layer_attention_weight";
    /** The scalar term, to be added to the total loss. */
    public static final String TERM = ClassifierGraph.LOSS_PREFIX + "layer_term";

    private static final double TINY = 1e-30;

    /** The width, heads and layers of a transformer. */
    public record Shape(int width, int heads, int layers) { }

    private final SDVariable term;
    private final DataType type;
    private final List<LayerDistillation.Pair> map;
    private final boolean headByHead;
    private final List<String> projectionNames;

    private LayerLoss(SDVariable term, DataType type, List<LayerDistillation.Pair> map, boolean headByHead,
                      List<String> projectionNames) {
        this.term = term;
        this.type = type;
        this.map = map;
        this.headByHead = headByHead;
        this.projectionNames = projectionNames;
    }

    /** Placeholder of pair i's teacher states {@code [B*L, d_t]}. */
    public static String target(int pair) {
        return ClassifierGraph.LOSS_PREFIX + "layer_target_" + pair;
    }

    /** Placeholder of pair i's teacher attention {@code [B, H, L, L]} (or {@code [B, L, L]} averaged over heads). */
    public static String attentionTarget(int pair) {
        return ClassifierGraph.LOSS_PREFIX + "layer_attention_target_" + pair;
    }

    public static String projection(int pair) {
        return ClassifierGraph.LOSS_PREFIX + "layer_proj" + pair + "_w";
    }

    public static String bias(int pair) {
        return ClassifierGraph.LOSS_PREFIX + "layer_proj" + pair + "_b";
    }

    /**
     * Checks that every pair names layers the two models have; the message names the key, the value and what exists.
     *
     * @throws IllegalArgumentException when a layer is out of range
     */
    public static void check(List<LayerDistillation.Pair> map, Shape student, Shape teacher, String teacherName) {
        for (int i = 0; i < map.size(); i++) {
            LayerDistillation.Pair p = map.get(i);
            if (p.student() >= student.layers()) {
                throw new IllegalArgumentException("distill.layers.map[" + i + "].student = " + p.student()
                        + ": the student has layers 0.." + (student.layers() - 1));
            }
            if (p.teacher() >= teacher.layers()) {
                throw new IllegalArgumentException("distill.layers.map[" + i + "].teacher = " + p.teacher() + ": teacher "
                        + teacherName + " has layers 0.." + (teacher.layers() - 1));
            }
        }
    }

    /** Fresh projections (only for widths that differ): {@code W ~ N(0, 1/d_s)} from {@code seed}, {@code c = 0}. */
    public static Map<String, INDArray> initialProjections(int pairs, Shape student, Shape teacher, DataType type, long seed) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        if (student.width() == teacher.width()) {
            return out;
        }
        java.util.Random rng = new java.util.Random(seed);
        for (int i = 0; i < pairs; i++) {
            double[][] w = new double[student.width()][teacher.width()];
            for (double[] row : w) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rng.nextGaussian() / Math.sqrt(student.width());
                }
            }
            out.put(projection(i), Nd4j.createFromArray(w).castTo(type));
            out.put(bias(i), Nd4j.zeros(type, 1, teacher.width()));
        }
        return out;
    }

    /**
     * Adds the term to a transformer student's graph {@code sd} (its layer outputs, attention probabilities and
     * {@link ClassifierGraph#MASK} must be there).
     *
     * @param projections {@link #initialProjections}, or the arrays another graph's loss uses
     */
    public static LayerLoss add(SameDiff sd, List<LayerDistillation.Pair> map, Shape student, Shape teacher,
                                Map<String, INDArray> projections) {
        if (map.isEmpty()) {
            throw new IllegalArgumentException("no layer pairs");
        }
        SDVariable mask = sd.getVariable(ClassifierGraph.MASK);
        DataType dt = mask.dataType();
        SDVariable rows = sd.reshape(mask, -1);
        SDVariable count = sd.math().max(mask.sum(), sd.constant(Nd4j.scalar(dt, 1.0)));
        SDVariable tiny = sd.constant(Nd4j.scalar(dt, TINY));
        boolean headByHead = student.heads() == teacher.heads();
        int dt2 = teacher.width();
        SDVariable hiddenSum = null;
        SDVariable attentionSum = null;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < map.size(); i++) {
            LayerDistillation.Pair p = map.get(i);
            SDVariable states = sd.getVariable(ClassifierGraph.layerOutput(p.student()));
            SDVariable projected = states;
            if (student.width() != teacher.width()) {
                SDVariable w = sd.var(projection(i), projections.get(projection(i)));
                SDVariable c = sd.var(bias(i), projections.get(bias(i)));
                names.add(projection(i));
                names.add(bias(i));
                projected = states.mmul(w).add(c);
            }
            SDVariable target = sd.placeHolder(target(i), dt, -1, dt2);
            SDVariable squared = sd.math().square(projected.sub(target));
            // mean over the width as a product with a column of 1/d (no reduction over a dimension that may be 1)
            SDVariable perToken = sd.reshape(squared.mmul(sd.constant(Nd4j.valueArrayOf(new long[] {dt2, 1}, 1.0 / dt2, dt))), -1);
            SDVariable hidden = perToken.mul(rows).sum().div(count);
            hiddenSum = hiddenSum == null ? hidden : hiddenSum.add(hidden);

            SDVariable probabilities = sd.getVariable(ClassifierGraph.layerAttention(p.student()));
            SDVariable klPerQuery; // [B, L]
            if (headByHead) {
                SDVariable t = sd.placeHolder(attentionTarget(i), dt, -1, student.heads(), -1, -1);
                SDVariable kl = klRows(sd, t, probabilities, tiny, 3); // [B, H, L]
                klPerQuery = student.heads() == 1 ? sd.squeeze(kl, 1) : kl.mean(1);
            } else {
                SDVariable averaged = student.heads() == 1 ? sd.squeeze(probabilities, 1) : probabilities.mean(1);
                SDVariable t = sd.placeHolder(attentionTarget(i), dt, -1, -1, -1);
                klPerQuery = klRows(sd, t, averaged, tiny, 2);
            }
            SDVariable attention = klPerQuery.mul(mask).sum().div(count);
            attentionSum = attentionSum == null ? attention : attentionSum.add(attention);
        }
        double n = map.size();
        SDVariable hiddenWeight = sd.placeHolder(HIDDEN_WEIGHT, dt);
        SDVariable attentionWeight = sd.placeHolder(ATTENTION_WEIGHT, dt);
        SDVariable term = hiddenWeight.mul(hiddenSum.div(n)).add(TERM, attentionWeight.mul(attentionSum.div(n)));
        return new LayerLoss(term, dt, List.copyOf(map), headByHead, List.copyOf(names));
    }

    /** {@code sum_k p_k (log max(p_k, tiny) - log max(q_k, tiny))} along {@code dim}. */
    private static SDVariable klRows(SameDiff sd, SDVariable p, SDVariable q, SDVariable tiny, int dim) {
        SDVariable logP = sd.math().log(sd.math().max(p, tiny));
        SDVariable logQ = sd.math().log(sd.math().max(q, tiny));
        return p.mul(logP.sub(logQ)).sum(dim);
    }

    /** The scalar {@code hiddenWeight * HID + attentionWeight * ATT}. */
    public SDVariable term() {
        return term;
    }

    /** The projection variables' names (empty when the widths are equal). */
    public List<String> projectionNames() {
        return projectionNames;
    }

    /** The teacher's graph outputs this loss needs for pair i: its layer output and attention probabilities. */
    public List<String> teacherOutputs() {
        List<String> out = new ArrayList<>();
        for (LayerDistillation.Pair p : map) {
            out.add(ClassifierGraph.layerOutput(p.teacher()));
            out.add(ClassifierGraph.layerAttention(p.teacher()));
        }
        return out;
    }

    /**
     * The placeholders of one batch from the teacher's outputs on the same tokens (as its graph gives them:
     * {@link #teacherOutputs()}); attention is averaged over the teacher's heads when the students' head count differs.
     */
    public Map<String, INDArray> placeholders(Map<String, INDArray> teacherOutputs, double hiddenWeight,
                                              double attentionWeight) {
        Map<String, INDArray> feed = new HashMap<>();
        for (int i = 0; i < map.size(); i++) {
            LayerDistillation.Pair p = map.get(i);
            INDArray states = teacherOutputs.get(ClassifierGraph.layerOutput(p.teacher()));
            INDArray attention = teacherOutputs.get(ClassifierGraph.layerAttention(p.teacher()));
            if (states == null || attention == null || attention.rank() != 4) {
                throw new IllegalArgumentException("teacher outputs of layer " + p.teacher() + " missing or misshapen: "
                        + (attention == null ? "no attention" : Arrays.toString(attention.shape())));
            }
            feed.put(target(i), states.castTo(type));
            feed.put(attentionTarget(i), (headByHead ? attention : attention.mean(1)).castTo(type));
        }
        feed.put(HIDDEN_WEIGHT, Nd4j.scalar(type, hiddenWeight));
        feed.put(ATTENTION_WEIGHT, Nd4j.scalar(type, attentionWeight));
        return feed;
    }
}
