package org.kd4j.distill.train;

/** Linear warm-up from 0 to {@code peak} over the first {@code warmupSteps}, then linear decay to 0 at {@code totalSteps}. */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps) {

    public LearningRateSchedule {
        if (peak <= 0 || totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("bad schedule: peak " + peak + ", warmup " + warmupSteps + ", total " + totalSteps);
        }
    }

    /** The rate for the update numbered {@code step} (0-based). */
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        long remaining = totalSteps - warmupSteps;
        return remaining == 0 ? peak : peak * Math.max(0.0, (double) (totalSteps - step) / remaining);
    }
}
