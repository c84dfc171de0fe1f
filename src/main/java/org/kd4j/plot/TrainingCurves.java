package org.kd4j.plot;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The curves of one training run, as plain data: the loss (per step or per epoch) on top, the dev metric per
 * epoch below.
 *
 * @param title the image's title, e.g. {@code student, distilled from ensemble (SST-2)}
 * @param lossAxis what the loss panel's x counts, e.g. {@code step} or {@code epoch}
 * @param losses at least one loss series, e.g. {@code train loss} per step and {@code dev loss} per epoch
 *        (same x unit: {@code lossAxis})
 * @param metric the dev metric's name, e.g. {@code dev accuracy}; its panel's x is the epoch
 * @param metrics the dev metric series; empty for a run without dev evaluation (the image then holds the loss
 *        panel only)
 */
public record TrainingCurves(String title, String lossAxis, List<Series> losses, String metric,
                             List<Series> metrics) {

    public TrainingCurves {
        Objects.requireNonNull(title, "title");
        requireText(title, "lossAxis", lossAxis);
        Objects.requireNonNull(losses, "losses");
        Objects.requireNonNull(metrics, "metrics");
        losses = List.copyOf(losses);
        metrics = List.copyOf(metrics);
        if (losses.isEmpty()) {
            throw new IllegalArgumentException("training curves '" + title
                    + "': losses: expected at least one series, found none");
        }
        if (!metrics.isEmpty()) {
            requireText(title, "metric", metric);
        }
        requireDistinctNames(title, "losses", losses);
        requireDistinctNames(title, "metrics", metrics);
    }

    /** The loss panel only. */
    public static TrainingCurves lossOnly(String title, String lossAxis, List<Series> losses) {
        return new TrainingCurves(title, lossAxis, losses, "", List.of());
    }

    private static void requireText(String title, String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("training curves '" + title + "': " + field
                    + ": expected a non-empty label, found '" + value + "'");
        }
    }

    private static void requireDistinctNames(String title, String field, List<Series> series) {
        Set<String> names = new HashSet<>();
        for (Series s : series) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("training curves '" + title + "': " + field
                        + ": series name '" + s.name() + "' appears twice");
            }
        }
    }
}
