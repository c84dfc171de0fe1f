package org.kd4j.distill.train;

import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Progress of a long phase on the log: phase, step/total, examples/s, loss, ETA; at most one line every
 * {@code intervalMillis}, and always at the end. Disabled for logs and sweeps with {@code enabled = false}.
 */
public final class Progress {

    private static final Logger LOG = LogManager.getLogger(Progress.class);

    private final boolean enabled;
    private final long intervalMillis;
    private String phase = "";
    private long total;
    private long startNanos;
    private long lastLog;
    private long examples;

    public Progress(boolean enabled, long intervalMillis) {
        this.enabled = enabled;
        this.intervalMillis = intervalMillis;
    }

    public static Progress off() {
        return new Progress(false, 0);
    }

    public void start(String phaseName, long totalSteps) {
        phase = phaseName;
        total = totalSteps;
        startNanos = System.nanoTime();
        lastLog = System.currentTimeMillis();
        examples = 0;
    }

    /** Reports {@code step} of the total done, with {@code batchExamples} examples just processed. */
    public void update(long step, int batchExamples, double loss) {
        examples += batchExamples;
        long now = System.currentTimeMillis();
        if (!enabled || (now - lastLog < intervalMillis && step < total)) {
            return;
        }
        lastLog = now;
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        double rate = examples / seconds;
        double eta = step == 0 ? 0 : seconds / step * (total - step);
        LOG.info(String.format(Locale.ROOT, "%s | step %d/%d | %.1f ex/s | loss %.4f | ETA %s",
                phase, step, total, rate, loss, duration(eta)));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
