package org.kd4j.util;

import java.util.Locale;

/** Durations for reading in reports and summaries. */
public final class Durations {

    private Durations() {}

    /** {@code 4.2 s}, {@code 12m 05s}, {@code 3h 07m}. */
    public static String compact(double seconds) {
        long s = Math.round(seconds);
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        return s >= 3600 ? String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
}
