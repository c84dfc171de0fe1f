package org.kd4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kd4j.plot.PlotTesting.count;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ScatterPlot} on hand-made points: sizes, colours, axes, and the errors of bad input. */
class ScatterPlotTest {

    private static final Scatter.Highlight BEST = new Scatter.Highlight(new DataPoint(1e-3, 0.86), "best: trial 1");

    private static Scatter numeric(List<DataPoint> points) {
        return new Scatter("dev_accuracy vs lr", "lr", "dev_accuracy", List.of(), "trials", points, Optional.of(BEST));
    }

    @Test
    void writesAPngWithTheDotsAndTheHighlightInTheirColours(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("plots/score-vs-lr.png");
        // a log axis (1e-4 .. 5e-2) and a linear one (0.2 .. 0.9)
        for (List<DataPoint> points : List.of(List.of(new DataPoint(1e-4, 0.81), new DataPoint(5e-2, 0.72)),
                List.of(new DataPoint(0.2, 0.81), new DataPoint(0.9, 0.72)))) {
            ScatterPlot.write(numeric(points), png);
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(ScatterPlot.WIDTH, image.getWidth());
            assertEquals(ScatterPlot.HEIGHT, image.getHeight());
            assertEquals(0xFFFFFF, image.getRGB(2, 2) & 0xFFFFFF, "background");
            assertTrue(count(image, ScatterPlot.BEST) > 20, "best dot");
            assertTrue(count(image, ScatterPlot.DOT) > 20, "other dots");
        }
        assertEquals(List.of("score-vs-lr.png"), PlotTesting.names(png.getParent()), "no temporary file left");
    }

    @Test
    void theHighlightIsLargerThanADot() {
        BufferedImage one = ScatterPlot.draw(new Scatter("t", "x", "y", List.of(), "dots",
                List.of(new DataPoint(1, 1)), Optional.of(new Scatter.Highlight(new DataPoint(2, 2), "best"))));
        // one dot and one highlight each, plus one of each in the legend
        assertTrue(count(one, ScatterPlot.BEST) > 2 * count(one, ScatterPlot.DOT),
                count(one, ScatterPlot.BEST) + " vs " + count(one, ScatterPlot.DOT));
    }

    @Test
    void aCategoricalAxisTakesIndices() {
        Scatter s = new Scatter("t", "pooling", "y", List.of("cls", "max", "mean"), "dots",
                List.of(new DataPoint(0, 0.7), new DataPoint(2, 0.8)), Optional.empty());
        BufferedImage image = ScatterPlot.draw(s, 320, 200);
        assertEquals(320, image.getWidth());
        assertEquals(200, image.getHeight());
        assertTrue(count(image, ScatterPlot.DOT) > 20);
        assertEquals(0, count(image, ScatterPlot.BEST));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Scatter("t", "pooling",
                "y", List.of("cls", "max"), "dots", List.of(new DataPoint(0.5, 0.7)), Optional.empty()));
        assertEquals("scatter 't': point 0: x: expected a category index 0..1, found 0.5", e.getMessage());
    }

    @Test
    void noPointsStillDrawsTheAxes() {
        BufferedImage image = ScatterPlot.draw(new Scatter("t", "x", "y", List.of(), "dots", List.of(), Optional.empty()));
        assertEquals(ScatterPlot.WIDTH, image.getWidth());
        assertEquals(0, count(image, ScatterPlot.BEST));
        assertEquals(0, count(image, ScatterPlot.DOT));
    }

    @Test
    void rejectsPointsThatAreNotNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> numeric(List.of(new DataPoint(1, 0.5), new DataPoint(2, Double.NaN))));
        assertEquals("scatter 'dev_accuracy vs lr': point 1 (x = 2.0): y: expected a finite number, found NaN",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> numeric(List.of(new DataPoint(Double.POSITIVE_INFINITY, 0.5))));
        assertEquals("scatter 'dev_accuracy vs lr': point 0: x: expected a finite number, found Infinity",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ScatterPlot.draw(numeric(List.of()), 10, 10));
        assertTrue(e.getMessage().contains("chart size: expected 100..10000 x 100..10000 pixels, found 10 x 10"),
                e.getMessage());
    }
}
