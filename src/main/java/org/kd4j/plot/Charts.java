package org.kd4j.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.kd4j.util.AtomicFiles;

/**
 * The look shared by kd4j's charts, and writing them as PNG.
 *
 * <p>Charts are painted off-screen into images. The library leaves AWT's mode to the application: without a
 * display ({@code DISPLAY} unset) AWT runs headless by itself, and the command line asks for headless mode before
 * drawing ({@code SweepCommand}).
 */
final class Charts {

    static final Color AXIS = new Color(60, 60, 60);
    static final Color GRID = new Color(225, 225, 225);

    private Charts() {
    }

    /** An empty XY chart of the given size in kd4j's style: white, light grid, legend below the plot. */
    static XYChart xyChart(int width, int height, String title, String xLabel, String yLabel) {
        XYChart chart = new XYChart(width, height);
        chart.setTitle(title);
        chart.setXAxisTitle(xLabel);
        chart.setYAxisTitle(yLabel);
        XYStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setPlotGridLinesColor(GRID);
        s.setAxisTickMarksColor(AXIS);
        s.setAxisTickLabelsColor(AXIS);
        s.setChartFontColor(Color.BLACK);
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendBorderColor(Color.WHITE);
        s.setLegendBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setAntiAlias(true);
        return chart;
    }

    /** Paints {@code chart} alone into a new RGB image of the chart's size. */
    static BufferedImage image(XYChart chart) {
        BufferedImage image = new BufferedImage(chart.getWidth(), chart.getHeight(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        try {
            chart.paint(g, chart.getWidth(), chart.getHeight());
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes {@code image} as a PNG: to a temporary file beside {@code target}, then renamed over it. */
    static void writePng(BufferedImage image, Path target) throws IOException {
        AtomicFiles.write(target, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JVM");
            }
        });
    }

    static void requireSize(int width, int height) {
        if (width < 100 || width > 10_000 || height < 100 || height > 10_000) {
            throw new IllegalArgumentException("chart size: expected 100..10000 x 100..10000 pixels, found "
                    + width + " x " + height);
        }
    }

    /** A padded axis range that is never empty: {min, max} widened by 6 % of the span (or around the value). */
    static double[] paddedRange(double min, double max) {
        double span = max - min;
        if (span == 0) {
            span = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= span / 2;
            max += span / 2;
        }
        return new double[] {min - span * 0.06, max + span * 0.06};
    }
}
