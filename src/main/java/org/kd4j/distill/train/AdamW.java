package org.kd4j.distill.train;

import java.nio.FloatBuffer;
import org.kd4j.config.OptimizerKind;
import org.kd4j.util.DirectArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW (Loshchilov and Hutter 2019): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= lr (m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps) + wd p), by default b1 = 0.9, b2 = 0.999, eps = 1e-8
 * ({@code train.adam_beta1}, {@code adam_beta2}, {@code adam_epsilon}), with decoupled weight decay. The first and
 * second state arrays are m and v.
 */
public final class AdamW extends Optimizer {

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private double c1;
    private double c2;

    /** With the default constants. */
    public AdamW(double weightDecay) {
        this(weightDecay, BETA1, BETA2, EPSILON);
    }

    public AdamW(double weightDecay, double beta1, double beta2, double epsilon) {
        super(weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public OptimizerKind kind() {
        return OptimizerKind.ADAMW;
    }

    @Override
    int stateArrays() {
        return 2;
    }

    @Override
    void beginStep(long t) {
        c1 = 1 - Math.pow(beta1, t);
        c2 = 1 - Math.pow(beta2, t);
    }

    /**
     * One AdamW update in place. When the parameter, its states and its gradient are float arrays that
     * {@link DirectArrays} reads (c order, contiguous), by {@link #fused}; otherwise by ND4J ops, whose temporaries are
     * closed as soon as they are used: left to the garbage collector, a step's temporaries (several times the parameters' size) piled up to
     * gigabytes of native memory before a collection ran.
     */
    @Override
    void apply(INDArray p, INDArray mi, INDArray vi, INDArray g, boolean decay, double lr) {
        if (g.length() == p.length() && floatsInPlace(p, mi, vi, g)) {
            fused(DirectArrays.floats(p), DirectArrays.floats(mi), DirectArrays.floats(vi), DirectArrays.floats(g), decay, lr);
            return;
        }
        INDArray scaled = g.mul(1 - beta1);
        mi.muli(beta1).addi(scaled);
        scaled.close();
        INDArray squared = g.mul(g).muli(1 - beta2);
        vi.muli(beta2).addi(squared);
        squared.close();
        INDArray denominator = vi.div(c2);
        Transforms.sqrt(denominator, false).addi(epsilon);
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

    private static boolean floatsInPlace(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || !DirectArrays.readable(a)) {
                return false;
            }
        }
        return true;
    }

    /** Elements a block of {@link #fused}: four float blocks of 16 KB, within a core's first-level cache or two. */
    private static final int BLOCK = 4096;

    /**
     * The same update as one pass over the four arrays' native memory, a block at a time (bulk copies in and out), each
     * element computed in double and stored as float: no temporary arrays (ND4J's ops made five of the parameter's
     * size a step, each in fresh pages), and one pass instead of about ten.
     */
    private void fused(FloatBuffer p, FloatBuffer m, FloatBuffer v, FloatBuffer g, boolean decay, double lr) {
        int n = p.capacity();
        float[] pb = new float[Math.min(BLOCK, n)];
        float[] mb = new float[pb.length];
        float[] vb = new float[pb.length];
        float[] gb = new float[pb.length];
        double wd = decay ? weightDecay : 0;
        for (int from = 0; from < n; from += BLOCK) {
            int len = Math.min(BLOCK, n - from);
            p.get(from, pb, 0, len);
            m.get(from, mb, 0, len);
            v.get(from, vb, 0, len);
            g.get(from, gb, 0, len);
            for (int k = 0; k < len; k++) {
                double gk = gb[k];
                double mk = beta1 * mb[k] + (1 - beta1) * gk;
                double vk = beta2 * vb[k] + (1 - beta2) * gk * gk;
                double update = mk / c1 / (Math.sqrt(vk / c2) + epsilon) + wd * pb[k];
                pb[k] = (float) (pb[k] - lr * update);
                mb[k] = (float) mk;
                vb[k] = (float) vk;
            }
            p.put(from, pb, 0, len);
            m.put(from, mb, 0, len);
            v.put(from, vb, 0, len);
        }
    }
}
