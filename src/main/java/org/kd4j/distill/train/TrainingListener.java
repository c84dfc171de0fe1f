package org.kd4j.distill.train;

import org.kd4j.eval.Evaluation;

/**
 * Told what the {@link Trainer}'s loop does, in the order it does it; what is not the loop's own job (checkpoints,
 * the best weights, early stopping, progress, the training curve) is a listener. The loop calls its listeners in the
 * order they were added, the built-in ones first, so a listener added by the caller sees the checkpoint of a step
 * already written.
 */
public interface TrainingListener {

    /**
     * Before the first step still to do.
     *
     * @param run what is trained, and how long
     * @param state where training starts: {@link TrainingState#start()}, or the checkpoint's state when resuming
     */
    default void onTrainingBegin(Run run, TrainingState state) {}

    /**
     * After each update.
     *
     * @param state with the step counted
     * @param batchExamples examples in the batch just trained on
     * @param loss the batch's loss before the update
     */
    default void onStepEnd(TrainingState state, int batchExamples, double loss) {}

    /**
     * After each epoch's dev evaluation.
     *
     * @param state with the epoch's score counted (best score, epochs without improvement)
     * @param dev the current weights' dev metrics
     * @param improved whether this epoch's score is the best so far
     */
    default void onEpochEnd(TrainingState state, Evaluation dev, boolean improved) {}

    /** Asked after every listener has seen the epoch's end: whether training ends after it. */
    default boolean stopAfterEpoch(TrainingState state) {
        return false;
    }

    /** After the last epoch, before the best weights are put back. */
    default void onTrainingEnd(TrainingState state) {}

    /**
     * What a training run is.
     *
     * @param name the model's name in logs ("teacher minilm", "student, distilled from ensemble")
     * @param stepsPerEpoch updates per epoch
     * @param totalSteps updates over all epochs
     * @param devMetric the key of the task's main dev metric, e.g. {@code accuracy}
     */
    record Run(String name, int stepsPerEpoch, long totalSteps, String devMetric) {}
}
