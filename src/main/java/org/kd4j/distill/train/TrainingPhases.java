package org.kd4j.distill.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where a training run's time went, phase by phase, so that a slow run says what is slow. The calling thread's phases
 * ({@link Phase#onCaller()}) are wall time and do not overlap; the rest of the run's wall time is what none of them
 * covers (the loop itself, progress, logging). The workers' phases are the parts of {@link Phase#GRADIENTS} each worker
 * spent, summed over the workers' threads: with two workers busy at once they add up to more than the wall time they
 * took. Safe to add to from several threads; one instance per run (nothing is shared between runs).
 */
public final class TrainingPhases {

    /** A phase of a training step or of the loop around it. */
    public enum Phase {
        /** Cutting and padding the next batch from the training set. */
        BATCHES("batches", true),
        /** The loss and gradients of a batch ({@link GradientEngine}), whatever the workers. */
        GRADIENTS("forward and backward", true),
        /** The embedding gradient scattered into the rows of the embedding tables. */
        EMBEDDING_ROWS("embedding rows", true),
        /** Global-norm gradient clipping. */
        CLIPPING("clipping", true),
        /** The optimizer's update of every parameter, then the step's gradient arrays freed. */
        OPTIMIZER("optimizer", true),
        /** What the listeners do after each step and epoch: checkpoints, the best weights, the curve, progress. */
        LISTENERS("checkpoints and listeners", true),
        /** The dev set's metrics after each epoch. */
        EVALUATION("dev evaluation", true),
        /** A worker's input: the summed embeddings and, for a BiLSTM, its recurrent layer's forward pass. */
        FEED("embeddings and recurrent layer forward", false),
        /** A worker's SameDiff graph: forward, loss and backward. */
        GRAPH("graph forward and backward", false),
        /** A worker's gradient back through what feeds the graph: a BiLSTM's recurrent layer backward, dropout. */
        INPUTS_BACKWARD("recurrent layer backward", false);

        private final String label;
        private final boolean onCaller;

        Phase(String label, boolean onCaller) {
            this.label = label;
            this.onCaller = onCaller;
        }

        /** The phase's key in {@code metrics.json}: its name in lower case ({@code embedding_rows}). */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** How the phase reads in a summary. */
        public String label() {
            return label;
        }

        /** Whether the phase is wall time on the training thread (false: summed over the workers' threads). */
        public boolean onCaller() {
            return onCaller;
        }
    }

    private final AtomicLongArray nanos = new AtomicLongArray(Phase.values().length);

    /** Adds the time from {@code startNanos} ({@link System#nanoTime()}) to now to {@code phase}; returns now. */
    public long since(Phase phase, long startNanos) {
        long now = System.nanoTime();
        add(phase, now - startNanos);
        return now;
    }

    /** Adds {@code nanos} nanoseconds to {@code phase}. */
    public void add(Phase phase, long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException(phase + ": a duration cannot be negative, found " + nanos + " ns");
        }
        this.nanos.addAndGet(phase.ordinal(), nanos);
    }

    /**
     * Adds {@code other}'s workers' phases ({@link Phase#onCaller()} false) to this one's: how a run with several
     * gradient engines (co-finetuning, one per teacher) sums what its engines' workers spent.
     */
    public void addWorkerPhases(TrainingPhases other) {
        for (Phase p : Phase.values()) {
            if (!p.onCaller()) {
                add(p, other.nanos.get(p.ordinal()));
            }
        }
    }

    /** The seconds spent in {@code phase} so far. */
    public double seconds(Phase phase) {
        return nanos.get(phase.ordinal()) / 1e9;
    }

    /** Every phase's seconds so far by its {@link Phase#key()}, in the enum's order, phases that took no time included. */
    public Map<String, Double> secondsByKey() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Phase p : Phase.values()) {
            out.put(p.key(), seconds(p));
        }
        return out;
    }

    /**
     * One line: each of the calling thread's phases with its seconds and share of {@code wallSeconds} (the run's wall
     * time), the rest as "other", then the workers' phases in seconds summed over their threads. Phases that took no
     * time to the tenth of a second shown are left out (a transformer's recurrent phases, for one).
     */
    public String summary(double wallSeconds) {
        double wall = Math.max(wallSeconds, 1e-9);
        List<String> caller = new ArrayList<>();
        List<String> workers = new ArrayList<>();
        double covered = 0;
        for (Phase p : Phase.values()) {
            double s = seconds(p);
            if (s < 0.05) {
                continue;
            }
            if (p.onCaller()) {
                covered += s;
                caller.add(String.format(Locale.ROOT, "%s %.1f s (%.0f%%)", p.label(), s, 100 * s / wall));
            } else {
                workers.add(String.format(Locale.ROOT, "%s %.1f s", p.label(), s));
            }
        }
        caller.add(String.format(Locale.ROOT, "other %.1f s (%.0f%%)", Math.max(0, wall - covered),
                100 * Math.max(0, wall - covered) / wall));
        String line = String.format(Locale.ROOT, "%.1f s: ", wallSeconds) + String.join(", ", caller);
        return workers.isEmpty() ? line : line + "; of forward and backward, summed over the workers' threads: "
                + String.join(", ", workers);
    }
}
