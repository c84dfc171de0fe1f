package org.kd4j.distill.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.kd4j.model.embed.EmbeddingTable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW (Loshchilov and Hutter 2019): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= lr (m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps) + wd p), with weight decay only on weight matrices and
 * embedding tables (names ending in {@code _w} or starting with {@code emb_}). Its state is exposed for checkpoints.
 *
 * <p>Embedding tables get sparse gradients ({@link EmbeddingTable.RowGradient}) and a lazy update: only the rows a
 * batch touched move (their moments and weight decay included), as TensorFlow's LazyAdam and PyTorch's SparseAdam
 * do; untouched rows keep their moments. This makes a step cost O(tokens x dim) for the tables instead of
 * O(vocab x dim).
 */
public final class AdamW {

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;

    private final double weightDecay;
    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();
    private long step;

    public AdamW(double weightDecay) {
        this.weightDecay = weightDecay;
    }

    /**
     * One update of every parameter in place, with learning rate {@code lr}: dense gradients for graph weights,
     * row gradients for embedding tables. Every parameter must have exactly one of the two.
     */
    public void update(Map<String, INDArray> params, Map<String, INDArray> grads,
                       Map<String, EmbeddingTable.RowGradient> rowGrads, double lr) {
        step++;
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            INDArray p = e.getValue();
            INDArray mi = m.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape()));
            INDArray vi = v.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape()));
            boolean decay = weightDecay > 0 && (name.endsWith("_w") || org.kd4j.model.EmbeddingLayer.isTable(name));
            if (grads.containsKey(name)) {
                adam(p, mi, vi, grads.get(name).reshape(p.shape()), c1, c2, decay, lr);
            } else if (rowGrads.containsKey(name)) {
                EmbeddingTable.RowGradient g = rowGrads.get(name);
                INDArray pr = Nd4j.pullRows(p, 1, g.rows());
                INDArray mr = Nd4j.pullRows(mi, 1, g.rows());
                INDArray vr = Nd4j.pullRows(vi, 1, g.rows());
                adam(pr, mr, vr, g.values(), c1, c2, decay, lr);
                INDArray rows = Nd4j.createFromArray(g.rows());
                scatterAssign(p, rows, pr);
                scatterAssign(mi, rows, mr);
                scatterAssign(vi, rows, vr);
                // The gathered rows are copies: once scattered back they are closed, as adam's temporaries are.
                pr.close();
                mr.close();
                vr.close();
                rows.close();
            } else {
                throw new IllegalStateException("no gradient for parameter " + name);
            }
        }
    }

    /**
     * One AdamW update in place. Its temporaries are closed as soon as they are used: left to the garbage collector, a
     * step's temporaries (several times the parameters' size) piled up to gigabytes of native memory before a
     * collection ran.
     */
    private void adam(INDArray p, INDArray mi, INDArray vi, INDArray g, double c1, double c2, boolean decay, double lr) {
        INDArray scaled = g.mul(1 - BETA1);
        mi.muli(BETA1).addi(scaled);
        scaled.close();
        INDArray squared = g.mul(g).muli(1 - BETA2);
        vi.muli(BETA2).addi(squared);
        squared.close();
        INDArray denominator = vi.div(c2);
        Transforms.sqrt(denominator, false).addi(EPSILON);
        INDArray update = mi.div(c1).divi(denominator);
        denominator.close();
        if (decay) {
            INDArray decayTerm = p.mul(weightDecay);
            update.addi(decayTerm);
            decayTerm.close();
        }
        p.subi(update.muli(lr));
        update.close();
    }

    /** {@code target[rows[i]] = values[i]}, in place. */
    private static void scatterAssign(INDArray target, INDArray rows, INDArray values) {
        Nd4j.exec(DynamicCustomOp.builder("scatter_upd").addInputs(target, rows, values).addOutputs(target).build());
    }

    public long step() {
        return step;
    }

    /** First and second moments by parameter name, for checkpoints. */
    public Map<String, INDArray> firstMoments() {
        return m;
    }

    public Map<String, INDArray> secondMoments() {
        return v;
    }

    /** Restores the state saved from {@link #firstMoments()}, {@link #secondMoments()} and {@link #step()}. */
    public void restore(Map<String, INDArray> first, Map<String, INDArray> second, long steps) {
        m.clear();
        m.putAll(first);
        v.clear();
        v.putAll(second);
        step = steps;
    }
}
