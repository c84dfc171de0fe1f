package org.kd4j.plot;

import java.util.List;
import java.util.Objects;

/**
 * A named line of a chart: at least one point, every coordinate finite, drawn in the order given.
 *
 * @param name the legend entry, e.g. {@code train loss}; unique within a chart
 * @param points the points, in drawing order
 */
public record Series(String name, List<DataPoint> points) {

    public Series {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("series name: expected a non-empty name, found '" + name + "'");
        }
        Objects.requireNonNull(points, () -> "series '" + name + "': points");
        points = List.copyOf(points);
        if (points.isEmpty()) {
            throw new IllegalArgumentException("series '" + name + "': expected at least one point, found none");
        }
        for (int i = 0; i < points.size(); i++) {
            points.get(i).requireFinite("series '" + name + "': point " + i);
        }
    }

    double[] xs() {
        return points.stream().mapToDouble(DataPoint::x).toArray();
    }

    double[] ys() {
        return points.stream().mapToDouble(DataPoint::y).toArray();
    }
}
