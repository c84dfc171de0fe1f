package org.kd4j.distill.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a training run stands; saved with every checkpoint.
 *
 * @param epoch current epoch (0-based)
 * @param batchInEpoch batches of {@code epoch} already done
 * @param step updates done in total
 * @param bestScore best dev main metric so far (NaN before the first evaluation)
 * @param bestEpoch the epoch that reached it (-1 before)
 * @param epochsWithoutImprovement for early stopping
 * @param devScores dev main metric after each finished epoch
 */
public record TrainingState(int epoch, int batchInEpoch, long step, double bestScore, int bestEpoch,
                            int epochsWithoutImprovement, List<Double> devScores) {

    public TrainingState {
        devScores = List.copyOf(devScores);
    }

    public static TrainingState start() {
        return new TrainingState(0, 0, 0, Double.NaN, -1, 0, List.of());
    }

    /** This state after one more update, {@code batchesDone} batches of {@code epoch} done. */
    TrainingState afterStep(int epoch, int batchesDone) {
        return new TrainingState(epoch, batchesDone, step + 1, bestScore, bestEpoch, epochsWithoutImprovement, devScores);
    }

    /**
     * This state after {@code epoch}'s dev evaluation scored {@code score} (higher is better): the next epoch's start,
     * the score recorded, the best score and epoch moved when it is better, else one more epoch without improvement.
     */
    TrainingState afterEpoch(int epoch, double score) {
        List<Double> scores = new ArrayList<>(devScores);
        scores.add(score);
        boolean better = Double.isNaN(bestScore) || score > bestScore;
        return new TrainingState(epoch + 1, 0, step, better ? score : bestScore, better ? epoch : bestEpoch,
                better ? 0 : epochsWithoutImprovement + 1, scores);
    }
}
