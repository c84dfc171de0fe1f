package org.kd4j.distill.train;

import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * How long phases (a model's training) show their progress: not at all, as a log line at most every
 * {@code intervalMillis} (phase, step/total, examples/s, loss unless NaN, ETA; always one at the end), or as a progress bar on
 * the terminal. A value passed to whatever trains, never a global: runs in one JVM each have their own, and one value
 * may be shared by runs at the same time (each {@link #start} makes the phase's own tracker).
 */
public final class Progress {

    private static final Logger LOG = LogManager.getLogger(Progress.class);
    /** The interval of the log lines the CLI shows. */
    public static final long LOG_INTERVAL_MILLIS = 10_000;

    private enum Mode { OFF, LOG, BAR, CUSTOM }

    /** Makes the tracker of each phase, for a caller that shows progress its own way (a notebook cell). */
    @FunctionalInterface
    public interface PhaseFactory {
        /** The tracker of a phase of {@code totalSteps} steps, started now. */
        Phase start(String phase, long totalSteps);
    }

    private final Mode mode;
    private final long intervalMillis;
    private final PhaseFactory custom;

    private Progress(Mode mode, long intervalMillis) {
        this(mode, intervalMillis, null);
    }

    private Progress(Mode mode, long intervalMillis, PhaseFactory custom) {
        this.mode = mode;
        this.intervalMillis = intervalMillis;
        this.custom = custom;
    }

    /** No progress (sweeps' trials, tests, embedding applications). */
    public static Progress off() {
        return new Progress(Mode.OFF, 0);
    }

    /** A log line at most every {@code intervalMillis}, and one at the end of each phase. */
    public static Progress logLines(long intervalMillis) {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("interval must be >= 0 ms, got " + intervalMillis);
        }
        return new Progress(Mode.LOG, intervalMillis);
    }

    /**
     * A progress bar on stderr when the process has a terminal ({@link System#console()}), else log lines every
     * {@value #LOG_INTERVAL_MILLIS} ms: what the CLI shows unless {@code --no-progress}.
     */
    public static Progress forConsole() {
        return System.console() != null ? new Progress(Mode.BAR, 0) : logLines(LOG_INTERVAL_MILLIS);
    }

    /**
     * Progress shown by the caller's own trackers, e.g. a notebook cell that redraws one line per phase in place
     * ({@code org.kd4j.display.ProgressLine}). Each phase calls {@code phases.start}; a null tracker shows nothing.
     */
    public static Progress custom(PhaseFactory phases) {
        return new Progress(Mode.CUSTOM, 0, java.util.Objects.requireNonNull(phases, "phases"));
    }

    /** Whether anything is shown. */
    public boolean enabled() {
        return mode != Mode.OFF;
    }

    /** The tracker of a phase of {@code totalSteps} steps, started now. */
    public Phase start(String phase, long totalSteps) {
        return switch (mode) {
            case OFF -> Phase.NONE;
            case LOG -> new LogLines(phase, totalSteps, intervalMillis);
            case BAR -> TerminalBar.start(phase, totalSteps);
            case CUSTOM -> {
                Phase p = custom.start(phase, totalSteps);
                yield p == null ? Phase.NONE : p;
            }
        };
    }

    /** One phase's progress. */
    public interface Phase extends AutoCloseable {

        Phase NONE = new Phase() {
            @Override
            public void update(long step, int batchExamples, double loss) {}

            @Override
            public void close() {}
        };

        /** Reports {@code step} of the total done, with {@code batchExamples} examples just processed. */
        void update(long step, int batchExamples, double loss);

        /** A log line follows (an epoch's dev score): a bar ends its line first, and goes on below. */
        default void beforeLogLine() {}

        /** The phase is over (a bar is finished and leaves the line). */
        @Override
        void close();
    }

    /** The log lines. */
    private static final class LogLines implements Phase {
        private final String phase;
        private final long total;
        private final long intervalMillis;
        private final long startNanos = System.nanoTime();
        private long lastLog = System.currentTimeMillis();
        private long examples;

        LogLines(String phase, long total, long intervalMillis) {
            this.phase = phase;
            this.total = total;
            this.intervalMillis = intervalMillis;
        }

        @Override
        public void update(long step, int batchExamples, double loss) {
            examples += batchExamples;
            long now = System.currentTimeMillis();
            if (now - lastLog < intervalMillis && step < total) {
                return;
            }
            lastLog = now;
            double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
            double eta = step == 0 ? 0 : seconds / step * (total - step);
            // phases without a loss (teacher scoring) pass NaN: no loss column then
            LOG.info(String.format(Locale.ROOT, "%s | step %d/%d | %.1f ex/s%s | ETA %s", phase, step, total,
                    examples / seconds, Double.isNaN(loss) ? "" : String.format(Locale.ROOT, " | loss %.4f", loss),
                    duration(eta)));
        }

        @Override
        public void close() {}
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
