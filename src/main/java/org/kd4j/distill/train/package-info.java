/**
 * Training, shared by teachers (cross-entropy only) and students (distillation), one class per job:
 * <ul>
 *   <li>{@link org.kd4j.distill.train.Trainer}: the loop (epochs, batches, dev evaluation, resume), configured by its
 *       builder;</li>
 *   <li>{@link org.kd4j.distill.train.GradientEngine}: a batch's gradients, data-parallel over model replicas and
 *       micro-batches, with the step array pool;</li>
 *   <li>{@link org.kd4j.distill.train.LossTargets}: the loss in the graph and its targets from the teachers'
 *       ensemble;</li>
 *   <li>{@link org.kd4j.distill.train.TrainingStep}: one update (clipping by
 *       {@link org.kd4j.distill.train.GradientClipping}, the config's {@link org.kd4j.distill.train.Optimizer}
 *       (AdamW, Adadelta or SGD with momentum) with a {@link org.kd4j.distill.train.LearningRateSchedule});</li>
 *   <li>{@link org.kd4j.distill.train.TrainingListener}s: {@link org.kd4j.distill.train.Checkpoints},
 *       {@link org.kd4j.distill.train.BestWeights}, {@link org.kd4j.distill.train.EarlyStopping}, progress
 *       ({@link org.kd4j.distill.train.Progress}: a bar on a terminal, log lines otherwise) and the
 *       {@link org.kd4j.distill.train.TrainingCurve};</li>
 *   <li>{@link org.kd4j.distill.train.StepTimer}: bare steps for benchmarks.</li>
 * </ul>
 * Nothing here reads a process-wide setting: a run's {@link org.kd4j.util.Parallelism} and progress are passed in.
 */
package org.kd4j.distill.train;
