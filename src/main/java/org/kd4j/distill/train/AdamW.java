package org.kd4j.distill.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW (Loshchilov and Hutter 2019): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= lr (m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps) + wd p), with weight decay only on weight matrices and
 * embedding tables (names ending in {@code _w} or starting with {@code emb_}). Its state is exposed for checkpoints.
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

    /** One update of every parameter in place, with learning rate {@code lr}. */
    public void update(Map<String, INDArray> params, Map<String, INDArray> grads, double lr) {
        step++;
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            INDArray p = e.getValue();
            INDArray g = grads.get(name);
            if (g == null) {
                throw new IllegalStateException("no gradient for parameter " + name);
            }
            g = g.reshape(p.shape());
            INDArray mi = m.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape()));
            INDArray vi = v.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape()));
            mi.muli(BETA1).addi(g.mul(1 - BETA1));
            vi.muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
            INDArray denominator = Transforms.sqrt(vi.div(c2), false).addi(EPSILON);
            INDArray update = mi.div(c1).divi(denominator);
            if (weightDecay > 0 && (name.endsWith("_w") || name.startsWith("emb_"))) {
                update.addi(p.mul(weightDecay));
            }
            p.subi(update.muli(lr));
        }
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
