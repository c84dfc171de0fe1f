package org.kd4j.distill.train;

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
}
