package org.kd4j.plot;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The data of one scatter plot, e.g. a sweep's score against one swept setting.
 *
 * @param title the chart's title
 * @param xLabel the horizontal axis' title
 * @param yLabel the vertical axis' title
 * @param categories empty for a numeric x axis; otherwise the x axis is categorical, these are its labels from
 *        left to right, and a point's x is the index of its category
 * @param pointsLabel the dots' legend entry, e.g. {@code trials}
 * @param points the dots (may be empty: the chart then says that there is nothing to show)
 * @param highlight one dot drawn larger, last and in {@link ScatterPlot#BEST}, named in the legend
 */
public record Scatter(String title, String xLabel, String yLabel, List<String> categories, String pointsLabel,
                      List<DataPoint> points, Optional<Highlight> highlight) {

    /**
     * A dot that stands out, e.g. the best trial.
     *
     * @param point where it is
     * @param label its legend entry, e.g. {@code best: trial 3 (0.8600)}
     */
    public record Highlight(DataPoint point, String label) {
        public Highlight {
            Objects.requireNonNull(point, "highlight point");
            Objects.requireNonNull(label, "highlight label");
        }
    }

    public Scatter {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(xLabel, "xLabel");
        Objects.requireNonNull(yLabel, "yLabel");
        categories = List.copyOf(categories);
        Objects.requireNonNull(pointsLabel, "pointsLabel");
        points = List.copyOf(points);
        Objects.requireNonNull(highlight, "highlight");
        for (int i = 0; i < points.size(); i++) {
            check(points.get(i), categories, "scatter '" + title + "': point " + i);
        }
        List<String> labels = categories;
        highlight.ifPresent(h -> check(h.point(), labels, "scatter '" + title + "': highlighted point"));
    }

    /** Whether the x axis is numeric (no categories). */
    public boolean numeric() {
        return categories.isEmpty();
    }

    /** Every dot, the highlighted one last. */
    List<DataPoint> allPoints() {
        return highlight.map(h -> {
            List<DataPoint> all = new java.util.ArrayList<>(points);
            all.add(h.point());
            return List.copyOf(all);
        }).orElse(points);
    }

    private static void check(DataPoint p, List<String> categories, String where) {
        Objects.requireNonNull(p, where);
        p.requireFinite(where);
        if (!categories.isEmpty() && (p.x() != Math.rint(p.x()) || p.x() < 0 || p.x() >= categories.size())) {
            throw new IllegalArgumentException(where + ": x: expected a category index 0.." + (categories.size() - 1)
                    + ", found " + p.x());
        }
    }
}
