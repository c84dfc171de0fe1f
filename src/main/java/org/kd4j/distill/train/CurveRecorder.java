package org.kd4j.distill.train;

import java.util.ArrayList;
import java.util.List;
import org.kd4j.eval.Evaluation;

/** Records a {@link TrainingCurve} as training goes. */
final class CurveRecorder implements TrainingListener {

    private final List<TrainingCurve.Point> points = new ArrayList<>();
    private Run run;
    private double epochLossSum;
    private int epochBatches;

    @Override
    public void onTrainingBegin(Run run, TrainingState state) {
        this.run = run;
        List<Double> scores = state.devScores(); // the epochs finished before a resume
        for (int e = 0; e < scores.size(); e++) {
            points.add(new TrainingCurve.Point(TrainingCurve.Series.DEV_METRIC, (long) (e + 1) * run.stepsPerEpoch(), e + 1,
                    scores.get(e)));
        }
    }

    @Override
    public void onStepEnd(TrainingState state, int batchExamples, double loss) {
        points.add(new TrainingCurve.Point(TrainingCurve.Series.TRAIN_LOSS, state.step(), state.epoch() + 1, loss));
        epochLossSum += loss;
        epochBatches++;
    }

    @Override
    public void onEpochEnd(TrainingState state, Evaluation dev, boolean improved) {
        if (epochBatches > 0) {
            points.add(new TrainingCurve.Point(TrainingCurve.Series.EPOCH_TRAIN_LOSS, state.step(), state.epoch(),
                    epochLossSum / epochBatches));
        }
        points.add(new TrainingCurve.Point(TrainingCurve.Series.DEV_METRIC, state.step(), state.epoch(), dev.main()));
        epochLossSum = 0;
        epochBatches = 0;
    }

    TrainingCurve curve() {
        return new TrainingCurve(run.name(), run.devMetric(), run.stepsPerEpoch(), points);
    }
}
