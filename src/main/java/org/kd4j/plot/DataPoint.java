package org.kd4j.plot;

/**
 * One point of a chart, as plain data. Checked where it is used ({@link Series}, {@link Scatter}), so that the
 * error can name the series and the point's position.
 *
 * @param x position on the horizontal axis (for a categorical axis, the category's index)
 * @param y position on the vertical axis
 */
public record DataPoint(double x, double y) {

    /** Throws naming {@code where} when x or y is NaN or infinite. */
    void requireFinite(String where) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException(where + ": x: expected a finite number, found " + x);
        }
        if (!Double.isFinite(y)) {
            throw new IllegalArgumentException(where + " (x = " + x + "): y: expected a finite number, found " + y);
        }
    }
}
