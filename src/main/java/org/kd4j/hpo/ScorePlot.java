package org.kd4j.hpo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Draws one score-vs-dimension scatter plot with plain Java2D (no chart library), headless.
 *
 * <p>A numeric dimension (all values {@link Double} or {@link Integer}) gets a linear x axis, or a log axis when
 * every value is positive and max/min >= 100 (learning rates, weight decays); any other dimension is categorical:
 * its distinct values, sorted, are evenly spaced with their labels under the axis. One dot per OK trial that
 * has a value for the dimension; the best trial is drawn last, larger and in {@link #BEST}.
 */
final class ScorePlot {

    static {
        // before any AWT class is initialised: sweeps run on servers without a display
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final int WIDTH = 640;
    static final int HEIGHT = 400;
    /** Colour of the best trial's dot (and of nothing else, so a test can find it). */
    static final Color BEST = new Color(214, 39, 40);
    static final Color DOT = new Color(31, 119, 180);
    private static final Color AXIS = new Color(60, 60, 60);
    private static final Color GRID = new Color(225, 225, 225);
    private static final int LEFT = 78;
    private static final int RIGHT = 24;
    private static final int TOP = 44;
    private static final int BOTTOM = 56;

    private ScorePlot() {
    }

    /**
     * @param trials every trial of the sweep (failed ones and ones without {@code key} are skipped)
     * @param best the best trial, highlighted if it is among the plotted ones
     */
    static BufferedImage draw(String objectiveName, String key, List<TrialRecord> trials,
                              Optional<TrialRecord> best) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.setColor(Color.BLACK);
            centred(g, objectiveName + " vs " + key, WIDTH / 2, 26);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));

            List<TrialRecord> shown = new ArrayList<>();
            for (TrialRecord t : trials) {
                if (t.isOk() && t.values().containsKey(key)) {
                    shown.add(t);
                }
            }
            int x0 = LEFT;
            int x1 = WIDTH - RIGHT;
            int y0 = HEIGHT - BOTTOM;
            int y1 = TOP;
            g.setColor(AXIS);
            g.drawLine(x0, y0, x1, y0);
            g.drawLine(x0, y0, x0, y1);
            g.drawString(key, (x0 + x1) / 2 - g.getFontMetrics().stringWidth(key) / 2, HEIGHT - 12);
            if (shown.isEmpty()) {
                g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 14));
                g.setColor(Color.GRAY);
                centred(g, "no successful trials", (x0 + x1) / 2, (y0 + y1) / 2);
                return image;
            }

            double[] scores = shown.stream().mapToDouble(TrialRecord::score).toArray();
            Axis y = Axis.linear(min(scores), max(scores));
            XScale x = XScale.of(key, shown);

            // y grid and ticks
            FontMetrics fm = g.getFontMetrics();
            for (double tick : y.ticks()) {
                int py = (int) Math.round(y0 - y.fraction(tick) * (y0 - y1));
                g.setColor(GRID);
                g.drawLine(x0 + 1, py, x1, py);
                g.setColor(AXIS);
                g.drawLine(x0 - 4, py, x0, py);
                String label = y.label(tick);
                g.drawString(label, x0 - 7 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
            }
            // x ticks
            for (int i = 0; i < x.tickCount(); i++) {
                int px = (int) Math.round(x0 + x.tickFraction(i) * (x1 - x0));
                g.setColor(AXIS);
                g.drawLine(px, y0, px, y0 + 4);
                centred(g, x.tickLabel(i), px, y0 + 6 + fm.getAscent());
            }
            // a rotated y label would need font transforms; the title names the objective instead

            TrialRecord highlighted = best.filter(shown::contains).orElse(null);
            g.setStroke(new BasicStroke(1f));
            for (TrialRecord t : shown) {
                if (t != highlighted) {
                    dot(g, x, y, t, 4.5, DOT, x0, x1, y0, y1);
                }
            }
            if (highlighted != null) {
                dot(g, x, y, highlighted, 7.5, BEST, x0, x1, y0, y1);
                g.setColor(BEST);
                String note = String.format(Locale.ROOT, "best: trial %d (%.4f)", highlighted.index(),
                        highlighted.score());
                g.drawString(note, x1 - fm.stringWidth(note), TOP - 6);
            }
            return image;
        } finally {
            g.dispose();
        }
    }

    static void writePng(BufferedImage image, OutputStream out) throws IOException {
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    private static void dot(Graphics2D g, XScale x, Axis y, TrialRecord t, double radius, Color colour,
                            int x0, int x1, int y0, int y1) {
        double px = x0 + x.fraction(t.values().get(x.key)) * (x1 - x0);
        double py = y0 - y.fraction(t.score()) * (y0 - y1);
        g.setColor(colour);
        g.fill(new Ellipse2D.Double(px - radius, py - radius, 2 * radius, 2 * radius));
    }

    private static void centred(Graphics2D g, String text, int x, int baseline) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double d : v) {
            m = Math.min(m, d);
        }
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            m = Math.max(m, d);
        }
        return m;
    }

    /** A numeric axis: padded range, "nice" ticks (1, 2, 5 x 10^k), optionally logarithmic. */
    record Axis(double lo, double hi, boolean log, List<Double> ticks) {

        static Axis linear(double min, double max) {
            double span = max - min;
            if (span == 0) {
                span = min == 0 ? 1 : Math.abs(min) * 0.1;
                min -= span / 2;
                max += span / 2;
            }
            double pad = span * 0.06;
            double lo = min - pad;
            double hi = max + pad;
            double step = niceStep((hi - lo) / 5);
            List<Double> ticks = new ArrayList<>();
            for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
                ticks.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
            }
            return new Axis(lo, hi, false, ticks);
        }

        static Axis log(double min, double max) {
            double lo = Math.log10(min) - 0.08 * Math.log10(max / min);
            double hi = Math.log10(max) + 0.08 * Math.log10(max / min);
            List<Double> ticks = new ArrayList<>();
            for (int e = (int) Math.floor(lo); e <= Math.ceil(hi); e++) {
                for (int m : new int[] {1, 3}) {
                    double t = m * Math.pow(10, e);
                    if (Math.log10(t) >= lo && Math.log10(t) <= hi) {
                        ticks.add(t);
                    }
                }
            }
            return new Axis(Math.pow(10, lo), Math.pow(10, hi), true, ticks);
        }

        double fraction(double v) {
            return log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
        }

        String label(double v) {
            return SweepResults.formatNumber(v);
        }

        private static double niceStep(double raw) {
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / mag;
            double nice = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
            // avoid binary noise in tick values such as 0.30000000000000004
            return new BigDecimal(nice * mag).round(new MathContext(2)).doubleValue();
        }
    }

    /** The x mapping of one dimension: numeric ({@link Axis}) or categorical (evenly spaced labels). */
    private static final class XScale {
        final String key;
        final Axis axis;
        final List<String> categories;

        private XScale(String key, Axis axis, List<String> categories) {
            this.key = key;
            this.axis = axis;
            this.categories = categories;
        }

        static XScale of(String key, List<TrialRecord> shown) {
            boolean numeric = shown.stream().allMatch(t -> t.values().get(key) instanceof Number);
            if (numeric) {
                double[] v = shown.stream().mapToDouble(t -> ((Number) t.values().get(key)).doubleValue()).toArray();
                double lo = min(v);
                double hi = max(v);
                Axis axis = lo > 0 && hi / lo >= 100 ? Axis.log(lo, hi) : Axis.linear(lo, hi);
                return new XScale(key, axis, null);
            }
            TreeSet<String> distinct = new TreeSet<>();
            shown.forEach(t -> distinct.add(String.valueOf(t.values().get(key))));
            return new XScale(key, null, List.copyOf(distinct));
        }

        int tickCount() {
            return axis != null ? axis.ticks().size() : categories.size();
        }

        double tickFraction(int i) {
            return axis != null ? axis.fraction(axis.ticks().get(i)) : (i + 0.5) / categories.size();
        }

        String tickLabel(int i) {
            return axis != null ? axis.label(axis.ticks().get(i)) : categories.get(i);
        }

        double fraction(Object value) {
            if (axis != null) {
                return axis.fraction(((Number) value).doubleValue());
            }
            return (categories.indexOf(String.valueOf(value)) + 0.5) / categories.size();
        }
    }
}
