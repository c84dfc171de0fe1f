package org.kd4j.export;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.kd4j.data.batch.Batch;

/**
 * Two runtimes' logits on the same padded batches: the largest absolute difference, the largest logit magnitude
 * (the logits' scale) and their ratio, which {@code kd4j export} holds to {@value #BAR}.
 *
 * @param examples    rows compared
 * @param batches     batches compared
 * @param maxDiff     largest absolute difference of a logit
 * @param maxLogit    largest absolute logit of the reference
 * @param relative    {@code maxDiff / maxLogit} (0 when both are 0)
 */
public record ExportCheck(int examples, int batches, double maxDiff, double maxLogit, double relative) {

    /** The largest difference allowed, relative to the logits' largest magnitude. */
    public static final double BAR = 1e-4;

    public boolean passes() {
        return relative <= BAR;
    }

    /** Compares {@code candidate} with {@code reference} on every batch. */
    public static ExportCheck compare(List<Batch> batches, Function<Batch, float[][]> reference, Function<Batch, float[][]> candidate) {
        double[] diffAndScale = new double[2];
        int examples = 0;
        for (Batch batch : batches) {
            float[][] a = reference.apply(batch);
            float[][] b = candidate.apply(batch);
            if (a.length != batch.size() || b.length != batch.size()) {
                throw new IllegalStateException("expected " + batch.size() + " rows, found " + a.length + " and " + b.length);
            }
            accumulate(a, b, diffAndScale);
            examples += batch.size();
        }
        return of(examples, batches.size(), diffAndScale);
    }

    /** Compares two sets of logits row for row ({@code batches} is 1). */
    public static ExportCheck compare(float[][] reference, float[][] candidate) {
        if (reference.length != candidate.length) {
            throw new IllegalStateException("expected " + reference.length + " rows, found " + candidate.length);
        }
        double[] diffAndScale = new double[2];
        accumulate(reference, candidate, diffAndScale);
        return of(reference.length, 1, diffAndScale);
    }

    private static void accumulate(float[][] a, float[][] b, double[] diffAndScale) {
        for (int r = 0; r < a.length; r++) {
            if (a[r].length != b[r].length) {
                throw new IllegalStateException("row " + r + ": " + a[r].length + " logits against " + b[r].length);
            }
            for (int c = 0; c < a[r].length; c++) {
                double d = Math.abs((double) a[r][c] - b[r][c]);
                diffAndScale[0] = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diffAndScale[0], d);
                diffAndScale[1] = Math.max(diffAndScale[1], Math.abs(a[r][c]));
            }
        }
    }

    private static ExportCheck of(int examples, int batches, double[] diffAndScale) {
        double diff = diffAndScale[0];
        double scale = diffAndScale[1];
        return new ExportCheck(examples, batches, diff, scale, diff == 0 ? 0 : diff / scale);
    }

    /**
     * E.g. {@code max |difference| 2.1e-07, max |logit| 3.20, relative 6.6e-08}; small logits keep their digits
     * ({@code max |logit| 0.00123}).
     */
    public String describe() {
        return describe("logit");
    }

    /** As {@link #describe()}, naming the compared values {@code what} (e.g. {@code value} for pooled representations). */
    public String describe(String what) {
        return String.format(Locale.ROOT, "max |difference| %.1e, max |%s| %.3g, relative %.1e", maxDiff, what, maxLogit, relative);
    }
}
