package org.kd4j.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a {@link Scatter} with XChart.
 *
 * <p>A numeric x axis is linear, or logarithmic when every x is positive and the largest is at least 100 times
 * the smallest (learning rates, weight decays). A categorical axis places its categories at 0, 1, 2, ... with
 * their labels under the axis. Dots are {@link #DOT}; the highlighted one is drawn last, larger and in
 * {@link #BEST} (a colour nothing else uses, so a test can find it). Without points the chart keeps its axes and
 * says that there is nothing to show.
 */
public final class ScatterPlot {

    public static final int WIDTH = 640;
    public static final int HEIGHT = 400;
    /** The highlighted dot's colour. */
    public static final Color BEST = new Color(214, 39, 40);
    /** The other dots' colour. */
    public static final Color DOT = new Color(31, 119, 180);
    private static final int DOT_SIZE = 9;
    private static final int BEST_SIZE = 15;

    private ScatterPlot() {
    }

    /** The chart as an image of {@link #WIDTH} x {@link #HEIGHT}. */
    public static BufferedImage draw(Scatter scatter) {
        return draw(scatter, WIDTH, HEIGHT);
    }

    public static BufferedImage draw(Scatter scatter, int width, int height) {
        Charts.requireSize(width, height);
        return Charts.image(chart(scatter, width, height));
    }

    /** Writes the chart as a PNG of {@link #WIDTH} x {@link #HEIGHT}, atomically (temporary file, then rename). */
    public static void write(Scatter scatter, Path png) throws IOException {
        Charts.writePng(draw(scatter), png);
    }

    static XYChart chart(Scatter scatter, int width, int height) {
        XYChart chart = Charts.xyChart(width, height, scatter.title(), scatter.xLabel(), scatter.yLabel());
        XYStyler s = chart.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        List<DataPoint> all = scatter.allPoints();
        if (all.isEmpty()) {
            // XChart needs a series to lay out its axes: one without a marker, whose legend entry says why
            XYSeries none = chart.addSeries("no points to show", new double[] {0}, new double[] {0});
            none.setMarkerColor(Color.WHITE);
            none.setMarker(SeriesMarkers.NONE);
            s.setLegendVisible(true);
            s.setXAxisTicksVisible(false);
            s.setYAxisTicksVisible(false);
            return chart;
        }
        double[] y = Charts.paddedRange(min(all, false), max(all, false));
        s.setYAxisMin(y[0]);
        s.setYAxisMax(y[1]);
        if (scatter.numeric()) {
            double lo = min(all, true);
            double hi = max(all, true);
            if (lo > 0 && hi / lo >= 100) {
                double pad = 0.08 * Math.log10(hi / lo);
                s.setXAxisLogarithmic(true);
                s.setXAxisMin(Math.pow(10, Math.log10(lo) - pad));
                s.setXAxisMax(Math.pow(10, Math.log10(hi) + pad));
            } else {
                double[] x = Charts.paddedRange(lo, hi);
                s.setXAxisMin(x[0]);
                s.setXAxisMax(x[1]);
            }
        } else {
            List<String> categories = scatter.categories();
            s.setXAxisMin(-0.5);
            s.setXAxisMax(categories.size() - 0.5);
            s.setPlotGridVerticalLinesVisible(false);
            chart.setCustomXAxisTickLabelsFormatter(x -> categoryLabel(categories, x));
        }
        if (!scatter.points().isEmpty()) {
            XYSeries dots = chart.addSeries(scatter.pointsLabel(), xs(scatter.points()), ys(scatter.points()));
            dots.setMarker(SeriesMarkers.CIRCLE);
            dots.setMarkerColor(DOT);
        }
        scatter.highlight().ifPresent(h -> {
            XYSeries best = chart.addSeries(h.label(), new double[] {h.point().x()}, new double[] {h.point().y()});
            // XChart has one marker size per chart: the highlighted dot's marker ignores it
            best.setMarker(new FixedCircle(BEST_SIZE));
            best.setMarkerColor(BEST);
        });
        s.setMarkerSize(DOT_SIZE);
        return chart;
    }

    /** A filled circle of a fixed diameter, whatever the chart's marker size. */
    private static final class FixedCircle extends Marker {
        private final int diameter;

        FixedCircle(int diameter) {
            this.diameter = diameter;
        }

        @Override
        public void paint(Graphics2D g, double xOffset, double yOffset, int markerSize) {
            g.setStroke(new BasicStroke(1f));
            double r = diameter / 2.0;
            g.fill(new Ellipse2D.Double(xOffset - r, yOffset - r, diameter, diameter));
        }
    }

    /**
     * The label of the tick at {@code x}: the category's name at a whole index; between categories a label of
     * blanks, different for each tick (XChart spreads its ticks out until all labels differ, which would leave
     * whole indices without a tick if the labels between them were all empty).
     */
    private static String categoryLabel(List<String> categories, double x) {
        long i = Math.round(x);
        if (Math.abs(x - i) < 1e-9 && i >= 0 && i < categories.size()) {
            return categories.get((int) i);
        }
        return " ".repeat(1 + (int) Math.max(0, Math.round((x + 1) * 4)));
    }

    private static double[] xs(List<DataPoint> points) {
        return points.stream().mapToDouble(DataPoint::x).toArray();
    }

    private static double[] ys(List<DataPoint> points) {
        return points.stream().mapToDouble(DataPoint::y).toArray();
    }

    private static double min(List<DataPoint> points, boolean x) {
        return points.stream().mapToDouble(p -> x ? p.x() : p.y()).min().orElseThrow();
    }

    private static double max(List<DataPoint> points, boolean x) {
        return points.stream().mapToDouble(p -> x ? p.x() : p.y()).max().orElseThrow();
    }
}
