package org.kd4j.hpo;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a sweep's trials elsewhere than in Arbiter's local runner (Spark: one trial per task, see
 * {@code org.kd4j.spark.SparkTrials}). The sweep hands over the trials not yet recorded, in candidate order; the runner
 * runs each with {@link Sweep#trial} and hands every record back as it finishes, from any thread, so that the sweep
 * writes its results after each trial exactly as with the local runner.
 */
public interface TrialRunner {

    /** One trial to run: its number and the candidate's values. */
    record Pending(int index, Map<String, TrialValue> values) implements Serializable {
        public Pending {
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values)); // keeps the order
        }
    }

    /**
     * Runs {@code trials} of the sweep {@code config}, calling {@code done} with each record; trials not started when
     * {@code deadlineMillis} (wall clock; 0: none) has passed are not run. Returns when every started trial is done.
     */
    void run(SweepConfig config, List<Pending> trials, long deadlineMillis, Consumer<TrialRecord> done);
}
