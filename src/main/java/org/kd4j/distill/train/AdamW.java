package org.kd4j.distill.train;

import org.kd4j.config.OptimizerKind;
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

    @Override
    void apply(INDArray p, INDArray mi, INDArray vi, INDArray g, boolean decay, double lr) {
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

    @Override
    FusedPass fused(boolean decay, double lr, int block) {
        return new Fused(decay, lr, block);
    }

    /**
     * The update in float, with the bias corrections folded into two constants ({@code m / c1 / (sqrt(v / c2) + eps)} as
     * {@code m (1 / c1) / (sqrt(v) (1 / sqrt(c2)) + eps)}); the first state is m, the second v.
     */
    private final class Fused extends FusedPass {
        private final float b1 = (float) beta1;
        private final float oneMinusB1 = (float) (1 - beta1);
        private final float b2 = (float) beta2;
        private final float oneMinusB2 = (float) (1 - beta2);
        private final float inverseC1 = (float) (1 / c1);
        private final float inverseSqrtC2 = (float) (1 / Math.sqrt(c2));
        private final float eps = (float) epsilon;

        Fused(boolean decay, double lr, int block) {
            super(block, true, lr, decay, weightDecay);
        }

        @Override
        void update(int len) {
            for (int k = 0; k < len; k++) {
                float gk = g[k];
                float mk = b1 * a[k] + oneMinusB1 * gk;
                float vk = b2 * b[k] + oneMinusB2 * gk * gk;
                float step = mk * inverseC1 / ((float) Math.sqrt(vk) * inverseSqrtC2 + eps) + wd * p[k];
                p[k] = p[k] - rate * step;
                a[k] = mk;
                b[k] = vk;
            }
        }
    }
}
