/**
 * Distillation objectives: how an ensemble of teachers is combined into targets ({@link
 * org.kd4j.distill.loss.EnsembleTargets}, {@link org.kd4j.config.WeightingScheme}, plain Java) and the loss
 * the student is trained on ({@link org.kd4j.distill.loss.DistillationLoss}, built into a SameDiff graph, with the
 * full formula in its Javadoc), plus the temperature over training ({@link
 * org.kd4j.distill.loss.TemperatureSchedule}).
 */
package org.kd4j.distill.loss;
