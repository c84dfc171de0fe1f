package org.kd4j.distill.train;

/** Shows the training's progress through a {@link Progress}: one phase, "{@code <name> train}", over all its steps. */
final class ProgressListener implements TrainingListener {

    private final Progress progress;
    private Progress.Phase phase = Progress.Phase.NONE;

    ProgressListener(Progress progress) {
        this.progress = progress;
    }

    @Override
    public void onTrainingBegin(Run run, TrainingState state) {
        phase = progress.start(run.name() + " train", run.totalSteps());
    }

    @Override
    public void onStepEnd(TrainingState state, int batchExamples, double loss) {
        phase.update(state.step(), batchExamples, loss);
    }

    @Override
    public void onEpochEnd(TrainingState state, org.kd4j.eval.Evaluation dev, boolean improved) {
        phase.beforeLogLine(); // the trainer logs the epoch's dev score next
    }

    @Override
    public void onTrainingEnd(TrainingState state) {
        close();
    }

    /** Ends the phase (also when training failed); once. */
    void close() {
        phase.close();
        phase = Progress.Phase.NONE;
    }
}
