package org.kd4j.config;

/**
 * The optimizer that trains a model: {@code train.optimizer} in a config (a teacher's, the student's). Each updates
 * embedding tables lazily (only the rows a batch touched move, their state included); the learning rate follows the
 * run's warm-up and linear decay from {@code train.learning_rate}. Its constants are the defaults below unless a
 * {@code train:} section sets them ({@code adam_beta1}, {@code adam_beta2}, {@code adam_epsilon}, {@code adadelta_rho},
 * {@code adadelta_epsilon}, {@code sgd_momentum}; see {@link TrainConfig}).
 *
 * <p>{@code train.weight_decay}'s default, 0.01, is AdamW's decoupled decay. For Adadelta and SGD it is an L2 term added
 * to the gradient, which PyTorch leaves at 0 for both: where gradients are small it can outweigh them, so set it with
 * the optimizer.
 */
public enum OptimizerKind {

    /**
     * AdamW (Loshchilov and Hutter 2019), the default: {@code m = 0.9 m + 0.1 g; v = 0.999 v + 0.001 g^2;
     * p -= lr (m_hat / (sqrt(v_hat) + 1e-8) + wd p)}, with bias-corrected moments and decoupled weight decay on weight
     * matrices and embedding tables. Not written in a config or its hashes when chosen, so runs, cached teachers and
     * quality cells from before the key existed keep their identities.
     */
    ADAMW,

    /**
     * Adadelta (Zeiler 2012), as Tang et al. (2019) trained their distilled BiLSTM, with their rho 0.95 and
     * epsilon 1e-6: {@code g' = g + wd p; E[g^2] = 0.95 E[g^2] + 0.05 g'^2;
     * d = sqrt(E[d^2] + 1e-6) / sqrt(E[g^2] + 1e-6) g'; E[d^2] = 0.95 E[d^2] + 0.05 d^2; p -= lr d}. Its usual learning
     * rate is 1.0. Weight decay is an L2 term in the gradient (as {@code torch.optim.Adadelta}), on the same arrays as
     * AdamW's.
     */
    ADADELTA,

    /**
     * Stochastic gradient descent with momentum 0.9 (the form of {@code torch.optim.SGD}):
     * {@code g' = g + wd p; b = 0.9 b + g'; p -= lr b}. Weight decay is an L2 term in the gradient, on the same arrays
     * as AdamW's.
     */
    SGD;

    /** Its name in a config: {@code adamw}, {@code adadelta}, {@code sgd}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * A Jackson value filter ({@code JsonInclude.Include.CUSTOM}) that leaves the default, {@link #ADAMW}, out of what is
     * written: it "equals" the values to exclude.
     */
    public static final class AtDefault {
        @Override
        public boolean equals(Object value) {
            return value == null || value == ADAMW;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
