package org.kd4j.distill.loss;

import org.kd4j.ConfigException;

/**
 * The distillation temperature over training: linear from {@code start} at step 0 to {@code end} at step
 * {@code totalSteps}, and {@code end} from then on. {@code totalSteps = 0} (or {@code start == end}) is a constant.
 * The temperature is a placeholder of the loss graph ({@link DistillationLoss#TEMPERATURE}), so a schedule needs
 * no rebuild.
 *
 * @param start temperature at step 0, {@code > 0}
 * @param end temperature at and after {@code totalSteps}, {@code > 0}
 * @param totalSteps length of the ramp in optimiser steps, {@code >= 0}
 */
public record TemperatureSchedule(double start, double end, long totalSteps) {

    public TemperatureSchedule {
        if (!(start > 0) || Double.isInfinite(start)) {
            throw ConfigException.outOfRange("start", start, "a finite temperature > 0");
        }
        if (!(end > 0) || Double.isInfinite(end)) {
            throw ConfigException.outOfRange("end", end, "a finite temperature > 0");
        }
        if (totalSteps < 0) {
            throw ConfigException.outOfRange("total_steps", totalSteps, ">= 0");
        }
    }

    /** The same temperature at every step. */
    public static TemperatureSchedule constant(double temperature) {
        return new TemperatureSchedule(temperature, temperature, 0);
    }

    /** Linear from {@code start} to {@code end} over {@code totalSteps} steps. */
    public static TemperatureSchedule linear(double start, double end, long totalSteps) {
        return new TemperatureSchedule(start, end, totalSteps);
    }

    /** The temperature at optimiser step {@code step} (0-based, {@code >= 0}). */
    public double at(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (step >= totalSteps) {
            return end;
        }
        return start + (end - start) * ((double) step / totalSteps);
    }
}
