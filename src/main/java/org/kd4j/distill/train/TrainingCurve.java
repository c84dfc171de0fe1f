package org.kd4j.distill.train;

import java.util.List;

/**
 * A model's training curve: its training loss at every update, its mean training loss per epoch and its dev score
 * after each epoch, as plain points for a plot or a table. Steps count updates from the start of training; a point of
 * an epoch sits at the step that ended it.
 *
 * @param model the model's name ("student, distilled from ensemble")
 * @param devMetric the key of the dev metric of the {@link Series#DEV_METRIC} points, e.g. {@code accuracy}
 * @param stepsPerEpoch updates per epoch
 * @param points in the order they were recorded. After a resume the training losses start at the resumed step (the
 *     interrupted process's are not kept); the dev scores are all there (the checkpoint keeps them)
 */
public record TrainingCurve(String model, String devMetric, int stepsPerEpoch, List<Point> points) {

    public TrainingCurve {
        points = List.copyOf(points);
    }

    /** What a point measures. */
    public enum Series {
        /** The loss of one batch, before its update. */
        TRAIN_LOSS,
        /** The mean of an epoch's batch losses (of the batches this process trained on). */
        EPOCH_TRAIN_LOSS,
        /** The dev main metric after an epoch. */
        DEV_METRIC
    }

    /**
     * One point.
     *
     * @param step updates done when it was measured
     * @param epoch the epoch it belongs to (1-based)
     */
    public record Point(Series series, long step, int epoch, double value) {}

    /** The points of one series, in order. */
    public List<Point> series(Series series) {
        return points.stream().filter(p -> p.series() == series).toList();
    }
}
