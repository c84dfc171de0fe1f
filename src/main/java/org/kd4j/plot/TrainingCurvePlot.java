package org.kd4j.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws {@link TrainingCurves} with XChart into one PNG: the loss panel on top, the dev metric panel below (each
 * half the height), or the loss panel alone when there is no metric series. Lines join the points in the order
 * given; a series of few points (a metric per epoch) also shows its points.
 */
public final class TrainingCurvePlot {

    public static final int WIDTH = 800;
    public static final int HEIGHT = 640;
    /** Series colours in order: blue, orange, green, purple, brown (then repeated). */
    static final Color[] COLOURS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(148, 103, 189), new Color(140, 86, 75)};
    /** Series of at most this many points show markers on their line. */
    private static final int MARKED_UP_TO = 60;
    /** Up to this many points per series (epochs), the x ticks are the data's own x values. */
    private static final int FEW_POINTS = 20;

    private TrainingCurvePlot() {
    }

    /** The curves as an image of {@link #WIDTH} x {@link #HEIGHT}. */
    public static BufferedImage draw(TrainingCurves curves) {
        return draw(curves, WIDTH, HEIGHT);
    }

    public static BufferedImage draw(TrainingCurves curves, int width, int height) {
        Charts.requireSize(width, height);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            int top = curves.metrics().isEmpty() ? height : height / 2;
            XYChart loss = panel(width, top, curves.title(), curves.lossAxis(), "loss", curves.losses());
            paint(loss, g, 0, width, top);
            if (!curves.metrics().isEmpty()) {
                XYChart metric = panel(width, height - top, "", "epoch", curves.metric(), curves.metrics());
                paint(metric, g, top, width, height - top);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes the curves as a PNG of {@link #WIDTH} x {@link #HEIGHT}, atomically (temporary file, then rename). */
    public static void write(TrainingCurves curves, Path png) throws IOException {
        Charts.writePng(draw(curves), png);
    }

    private static XYChart panel(int width, int height, String title, String xLabel, String yLabel,
                                 List<Series> series) {
        XYChart chart = Charts.xyChart(width, height, title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setChartTitleVisible(!title.isEmpty());
        chart.getStyler().setMarkerSize(6);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double left = Double.POSITIVE_INFINITY;
        double right = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            XYSeries line = chart.addSeries(s.name(), s.xs(), s.ys());
            Color colour = COLOURS[i % COLOURS.length];
            line.setLineColor(colour);
            line.setMarkerColor(colour);
            line.setMarker(s.points().size() <= MARKED_UP_TO ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            for (DataPoint p : s.points()) {
                lo = Math.min(lo, p.y());
                hi = Math.max(hi, p.y());
                left = Math.min(left, p.x());
                right = Math.max(right, p.x());
            }
        }
        if (left == right) {
            // XChart cannot lay out an axis of one value (a run of one epoch)
            double[] x = Charts.paddedRange(left, right);
            chart.getStyler().setXAxisMin(x[0]);
            chart.getStyler().setXAxisMax(x[1]);
        } else if (series.stream().mapToInt(s -> s.points().size()).max().orElse(0) > FEW_POINTS) {
            // XChart puts the ticks of evenly spaced x values (steps 1, 2, 3, ...) on the data, every n-th one
            // (1, 11, 21, ...); an explicit range that is not on that grid gets round ticks (0, 50, 100, ...)
            chart.getStyler().setXAxisMin(left >= 0 ? 0 : left);
            chart.getStyler().setXAxisMax(right + 0.02 * (right - left));
        }
        double[] y = Charts.paddedRange(lo, hi);
        chart.getStyler().setYAxisMin(y[0]);
        chart.getStyler().setYAxisMax(y[1]);
        return chart;
    }

    private static void paint(XYChart chart, Graphics2D g, int y, int width, int height) {
        Graphics2D panel = (Graphics2D) g.create(0, y, width, height);
        try {
            chart.paint(panel, width, height);
        } finally {
            panel.dispose();
        }
    }
}
