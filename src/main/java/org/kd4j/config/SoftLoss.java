package org.kd4j.config;

/** The teacher ("soft") term of a classification {@link org.kd4j.distill.loss.DistillationLoss}. */
public enum SoftLoss {

    /**
     * {@code T^2 * mean_b KL(p_b || softmax(z_b / T))}, p the ensemble's soft target at temperature T
     * ({@link org.kd4j.distill.loss.EnsembleTargets#softTargets()}). The T^2 factor keeps the gradient scale independent of T
     * (Hinton et al. 2015).
     */
    KL,

    /**
     * {@code mean_b mean_c (z_bc - zbar_bc)^2}, zbar the teachers' weighted mean logits
     * ({@link org.kd4j.distill.loss.EnsembleTargets#meanLogits()}); no temperature and no T^2.
     */
    MSE_LOGITS
}
