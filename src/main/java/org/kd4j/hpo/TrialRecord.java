package org.kd4j.hpo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one trial of a sweep.
 *
 * @param index the trial's number in the sweep (0-based, unique within a sweep)
 * @param values swept config key to the value this trial used, typed by the dimension (a real number, an integer
 *        or a categorical choice)
 * @param score the objective; NaN exactly when the trial failed
 * @param metrics other measurements by name (e.g. {@code dev_accuracy -> 0.81}, {@code dev_loss -> 0.43})
 * @param seconds wall time of the trial
 * @param status whether the trial completed
 * @param message why it failed; {@code ""} when it did not
 */
public record TrialRecord(int index, Map<String, TrialValue> values, double score, Map<String, Double> metrics,
                          double seconds, Status status, String message) implements java.io.Serializable {

    /** Whether a trial completed and has a score. */
    public enum Status { OK, FAILED }

    public TrialRecord {
        if (index < 0) {
            throw new IllegalArgumentException("trial index: expected >= 0, got " + index);
        }
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
        if (status == Status.OK && Double.isNaN(score)) {
            throw new IllegalArgumentException("trial " + index + ": an OK trial needs a score, got NaN");
        }
        if (status == Status.FAILED && !Double.isNaN(score)) {
            throw new IllegalArgumentException("trial " + index + ": a failed trial has score NaN, got " + score);
        }
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("trial " + index + ": seconds: expected finite >= 0, got " + seconds);
        }
        values = copy(index, "values", Objects.requireNonNull(values, "values"));
        metrics = copy(index, "metrics", Objects.requireNonNull(metrics, "metrics"));
    }

    /** A completed trial. */
    public static TrialRecord ok(int index, Map<String, TrialValue> values, double score, Map<String, Double> metrics,
                                 double seconds) {
        return new TrialRecord(index, values, score, metrics, seconds, Status.OK, "");
    }

    /** A failed trial: no score, possibly partial metrics. */
    public static TrialRecord failed(int index, Map<String, TrialValue> values, Map<String, Double> metrics,
                                     double seconds, String message) {
        return new TrialRecord(index, values, Double.NaN, metrics, seconds, Status.FAILED, message);
    }

    public boolean isOk() {
        return status == Status.OK;
    }

    /** An unmodifiable copy that keeps the caller's key order (it is the column order of reports). */
    private static <V> Map<String, V> copy(int index, String field, Map<String, V> map) {
        Map<String, V> copy = new LinkedHashMap<>();
        for (Map.Entry<String, V> e : map.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("trial " + index + ": " + field + ": null key or value ("
                        + e.getKey() + " -> " + e.getValue() + ")");
            }
            copy.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(copy);
    }
}
