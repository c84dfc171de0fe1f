package org.kd4j.distill.train;

import org.kd4j.config.OptimizerKind;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adadelta (Zeiler 2012), by default with rho 0.95 and epsilon 1e-6 ({@code train.adadelta_rho},
 * {@code adadelta_epsilon}), Tang et al.'s (2019) optimizer for their distilled BiLSTM:
 * g' = g + wd p; a = rho a + (1-rho) g'^2; d = sqrt(b + eps) / sqrt(a + eps) g'; b = rho b + (1-rho) d^2; p -= lr d.
 * The first state array is a (the running mean of squared gradients), the second b (of squared updates). Weight decay
 * is an L2 term in the gradient, as in {@code torch.optim.Adadelta}.
 */
public final class Adadelta extends Optimizer {

    static final double RHO = 0.95;
    static final double EPSILON = 1e-6;

    private final double rho;
    private final double epsilon;

    /** With the default constants. */
    public Adadelta(double weightDecay) {
        this(weightDecay, RHO, EPSILON);
    }

    public Adadelta(double weightDecay, double rho, double epsilon) {
        super(weightDecay);
        this.rho = rho;
        this.epsilon = epsilon;
    }

    @Override
    public OptimizerKind kind() {
        return OptimizerKind.ADADELTA;
    }

    @Override
    int stateArrays() {
        return 2;
    }

    @Override
    void apply(INDArray p, INDArray a, INDArray b, INDArray g, boolean decay, double lr) {
        INDArray gradient = withL2(g, p, decay, weightDecay);
        INDArray squared = gradient.mul(gradient).muli(1 - rho);
        a.muli(rho).addi(squared);
        squared.close();
        INDArray delta = b.add(epsilon);
        Transforms.sqrt(delta, false);
        INDArray rms = a.add(epsilon);
        Transforms.sqrt(rms, false);
        delta.divi(rms).muli(gradient);
        rms.close();
        if (gradient != g) {
            gradient.close();
        }
        INDArray deltaSquared = delta.mul(delta).muli(1 - rho);
        b.muli(rho).addi(deltaSquared);
        deltaSquared.close();
        p.subi(delta.muli(lr));
        delta.close();
    }

    @Override
    FusedPass fused(boolean decay, double lr, int block) {
        return new Fused(decay, lr, block);
    }

    /** The update in float; the first state is a, the second b. */
    private final class Fused extends FusedPass {
        private final float r = (float) rho;
        private final float oneMinusR = (float) (1 - rho);
        private final float eps = (float) epsilon;

        Fused(boolean decay, double lr, int block) {
            super(block, true, lr, decay, weightDecay);
        }

        @Override
        void update(int len) {
            for (int k = 0; k < len; k++) {
                float gk = g[k] + wd * p[k];
                float ak = r * a[k] + oneMinusR * (gk * gk);
                float dk = (float) Math.sqrt(b[k] + eps) / (float) Math.sqrt(ak + eps) * gk;
                b[k] = r * b[k] + oneMinusR * (dk * dk);
                a[k] = ak;
                p[k] = p[k] - dk * rate;
            }
        }
    }
}
