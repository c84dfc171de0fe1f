package org.kd4j.distill.train;

import org.kd4j.config.OptimizerKind;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent with momentum mu, by default 0.9 ({@code train.sgd_momentum}; 0: plain SGD), in
 * {@code torch.optim.SGD}'s form: g' = g + wd p; b = mu b + g'; p -= lr b. Its one state array is b, the momentum
 * buffer (zero before the first step, so that the first b is g'). Weight decay is an L2 term in the gradient.
 */
public final class MomentumSgd extends Optimizer {

    static final double MOMENTUM = 0.9;

    private final double momentum;

    /** With the default momentum. */
    public MomentumSgd(double weightDecay) {
        this(weightDecay, MOMENTUM);
    }

    public MomentumSgd(double weightDecay, double momentum) {
        super(weightDecay);
        this.momentum = momentum;
    }

    @Override
    public OptimizerKind kind() {
        return OptimizerKind.SGD;
    }

    @Override
    int stateArrays() {
        return 1;
    }

    @Override
    void apply(INDArray p, INDArray buffer, INDArray unused, INDArray g, boolean decay, double lr) {
        INDArray gradient = withL2(g, p, decay, weightDecay);
        buffer.muli(momentum).addi(gradient);
        if (gradient != g) {
            gradient.close();
        }
        INDArray step = buffer.mul(lr);
        p.subi(step);
        step.close();
    }

    @Override
    FusedPass fused(boolean decay, double lr, int block) {
        return new Fused(decay, lr, block);
    }

    /** The update in float; the one state is the momentum buffer. */
    private final class Fused extends FusedPass {
        private final float mu = (float) momentum;

        Fused(boolean decay, double lr, int block) {
            super(block, false, lr, decay, weightDecay);
        }

        @Override
        void update(int len) {
            for (int k = 0; k < len; k++) {
                float bk = mu * a[k] + (g[k] + wd * p[k]);
                a[k] = bk;
                p[k] = p[k] - bk * rate;
            }
        }
    }
}
