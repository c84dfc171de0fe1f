package org.kd4j.config;

/**
 * How the K teachers of an ensemble are weighted per example when their predictions are combined into one soft
 * target (see {@link org.kd4j.distill.loss.EnsembleTargets}). In every scheme the weights of one example are non-negative and sum to 1.
 * {@code z_k} is teacher k's logit vector for the example, {@code softmax} is taken at T = 1 for weighting
 * (the distillation temperature only enters the combined target, never the weights).
 */
public enum WeightingScheme {

    /** SEAD-style plain average: {@code w_k = 1 / K}. */
    UNIFORM,

    /**
     * Given per-teacher weights {@code a_k >= 0} (at least one positive), the same for every example:
     * {@code w_k = a_k / sum_j a_j}.
     */
    FIXED,

    /**
     * Per example, proportional to each teacher's confidence: {@code w_k = m_k / sum_j m_j} with
     * {@code m_k = max_c softmax(z_k)_c}. For C = 1 (regression) every {@code m_k} is 1, so this is UNIFORM.
     */
    CONFIDENCE,

    /**
     * Per example, MT-BERT style: {@code w_k = softmax_k(-CE_k)} with {@code CE_k = -log softmax(z_k)_y} the
     * cross-entropy of teacher k on the gold label y; the lower a teacher's loss, the higher its weight.
     * (Equivalently {@code w_k = softmax(z_k)_y / sum_j softmax(z_j)_y}.) Unlabeled examples (gold -1) fall
     * back to {@link #CONFIDENCE}. For C = 1 (regression) the loss is the teacher's squared error on the gold score y:
     * {@code w_k = softmax_k(-(z_k - y)^2)}.
     */
    TEACHER_LOSS;

    /**
     * Whether this scheme gives the same weights as {@link #UNIFORM} on every example of a task with one output
     * (regression): {@link #UNIFORM} itself, and {@link #CONFIDENCE}, whose {@code m_k} are then all 1.
     */
    public boolean uniformWithOneOutput() {
        return this == UNIFORM || this == CONFIDENCE;
    }
}
