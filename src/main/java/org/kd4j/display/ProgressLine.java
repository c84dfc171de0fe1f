package org.kd4j.display;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress as one line, for a notebook cell that redraws it in place (or a log): phase, done/total, percentage,
 * rate and time left, e.g. {@code train  1,200/5,000 (24.0%)  812.3 examples/s  ETA 0:05}. {@link #html()} adds an
 * HTML {@code <progress>} bar. Not thread-safe: one owner calls {@link #update(long)}.
 */
public final class ProgressLine {

    private final String phase;
    private final long total;
    private final String unit;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long done;
    private long nowNanos;

    /**
     * @param phase what is progressing, e.g. {@code "train epoch 1"}
     * @param total the number of units to do, or 0 when unknown (no percentage, bar or ETA then)
     * @param unit what is counted, plural, e.g. {@code "examples"}
     */
    public ProgressLine(String phase, long total, String unit) {
        this(phase, total, unit, System::nanoTime);
    }

    /** As {@link #ProgressLine(String, long, String)} with the clock given (tests). */
    public ProgressLine(String phase, long total, String unit, LongSupplier nanoClock) {
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0 (0 = unknown), got " + total);
        }
        this.phase = phase;
        this.total = total;
        this.unit = unit;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.nowNanos = startNanos;
    }

    /** Records that {@code done} units are finished (counted from the start) and returns this line. */
    public ProgressLine update(long done) {
        if (done < 0) {
            throw new IllegalArgumentException("done must be >= 0, got " + done);
        }
        this.done = done;
        this.nowNanos = nanoClock.getAsLong();
        return this;
    }

    public long done() {
        return done;
    }

    /** Units per second since the start; 0 before any time has passed. */
    public double rate() {
        double seconds = (nowNanos - startNanos) / 1e9;
        return seconds > 0 ? done / seconds : 0;
    }

    /** The line as plain text. */
    public String text() {
        StringBuilder sb = new StringBuilder(phase).append("  ").append(String.format(Locale.ROOT, "%,d", done));
        if (total > 0) {
            sb.append(String.format(Locale.ROOT, "/%,d (%.1f%%)", total, 100.0 * done / total));
        }
        sb.append("  ").append(String.format(Locale.ROOT, "%.1f %s/s", rate(), unit));
        double rate = rate();
        if (total > 0 && done >= total) {
            sb.append("  done in ").append(clock((nowNanos - startNanos) / 1e9));
        } else if (total > 0 && rate > 0) {
            sb.append("  ETA ").append(clock((total - done) / rate));
        }
        return sb.toString();
    }

    /** The line as an HTML fragment: a {@code <progress>} bar (when the total is known) and the text. */
    public String html() {
        StringBuilder sb = new StringBuilder("<div class=\"kd4j-progress\" style=\"font-family:monospace\">");
        if (total > 0) {
            sb.append("<progress value=\"").append(Math.min(done, total)).append("\" max=\"").append(total)
                    .append("\" style=\"width:20em;vertical-align:middle\"></progress> ");
        }
        return sb.append(HtmlTable.escape(text())).append("</div>").toString();
    }

    @Override
    public String toString() {
        return text();
    }

    /** Seconds as {@code m:ss}, or {@code h:mm:ss} from one hour. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
