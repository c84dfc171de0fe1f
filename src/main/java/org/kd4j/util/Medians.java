package org.kd4j.util;

import java.util.Arrays;

/** The median of measurements, as the benchmarks and time estimates report them. */
public final class Medians {

    private Medians() {}

    /** The median of {@code values} (the mean of the two middle ones for an even count); {@code values} is not changed. */
    public static double of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median: expected at least one value, found none");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
