package org.kd4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kd4j.plot.PlotTesting.count;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TrainingCurvePlot}: the PNG it writes, and the input it refuses. */
class TrainingCurvePlotTest {

    /** A falling, noisy training loss over {@code steps} steps (seeded). */
    private static Series trainLoss(int steps) {
        Random random = new Random(13);
        List<DataPoint> points = new ArrayList<>();
        for (int step = 1; step <= steps; step++) {
            points.add(new DataPoint(step, 0.7 * Math.exp(-step / 100.0) + 0.05 * random.nextDouble()));
        }
        return new Series("train loss", points);
    }

    private static Series perEpoch(String name, double... values) {
        List<DataPoint> points = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            points.add(new DataPoint(i + 1, values[i]));
        }
        return new Series(name, points);
    }

    private static TrainingCurves curves() {
        return new TrainingCurves("student, distilled from ensemble", "step", List.of(trainLoss(300)),
                "dev accuracy", List.of(perEpoch("dev accuracy", 0.70, 0.78, 0.80)));
    }

    @Test
    void writesAPngOfTheExpectedSizeWithTheLossOnTopAndTheMetricBelow(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("curves.png");
        TrainingCurvePlot.write(curves(), png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(TrainingCurvePlot.WIDTH, image.getWidth());
        assertEquals(TrainingCurvePlot.HEIGHT, image.getHeight());
        assertEquals(0xFFFFFF, image.getRGB(2, 2) & 0xFFFFFF, "background");
        int half = TrainingCurvePlot.HEIGHT / 2;
        // both panels draw their first series in the first colour: a line of 300 steps above, 3 epochs below
        assertTrue(count(image, TrainingCurvePlot.COLOURS[0], 0, half) > 200, "loss line");
        assertTrue(count(image, TrainingCurvePlot.COLOURS[0], half, image.getHeight()) > 100, "metric line");
        assertEquals(0, count(image, TrainingCurvePlot.COLOURS[1]), "no second series");
        assertEquals(List.of("curves.png"), PlotTesting.names(dir), "no temporary file left");
    }

    @Test
    void withoutMetricsTheLossFillsTheImage() {
        TrainingCurves lossOnly = TrainingCurves.lossOnly("run", "epoch",
                List.of(perEpoch("train loss", 0.6, 0.5, 0.45), perEpoch("dev loss", 0.62, 0.55, 0.53)));
        BufferedImage image = TrainingCurvePlot.draw(lossOnly, 400, 300);
        assertEquals(400, image.getWidth());
        assertEquals(300, image.getHeight());
        assertTrue(count(image, TrainingCurvePlot.COLOURS[0], 150, 300) > 20, "train loss in the lower half too");
        assertTrue(count(image, TrainingCurvePlot.COLOURS[1]) > 20, "dev loss");
    }

    @Test
    void aRunOfOneEpochIsDrawn() {
        TrainingCurves one = new TrainingCurves("one epoch", "epoch", List.of(perEpoch("train loss", 0.5)),
                "dev accuracy", List.of(perEpoch("dev accuracy", 0.7)));
        assertEquals(TrainingCurvePlot.HEIGHT, TrainingCurvePlot.draw(one).getHeight());
    }

    @Test
    void rejectsEmptyOrNotANumberInputNamingTheSeriesAndPoint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Series("train loss", List.of()));
        assertEquals("series 'train loss': expected at least one point, found none", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> perEpoch("dev loss", 0.6, 0.5, Double.NaN));
        assertEquals("series 'dev loss': point 2 (x = 3.0): y: expected a finite number, found NaN", e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingCurves("run", "step", List.of(), "dev accuracy", List.of()));
        assertEquals("training curves 'run': losses: expected at least one series, found none", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new TrainingCurves("run", "step",
                List.of(trainLoss(3)), " ", List.of(perEpoch("dev accuracy", 0.7))));
        assertEquals("training curves 'run': metric: expected a non-empty label, found ' '", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new TrainingCurves("run", "step",
                List.of(trainLoss(3), trainLoss(4)), "", List.of()));
        assertEquals("training curves 'run': losses: series name 'train loss' appears twice", e.getMessage());
    }

    @Test
    void aFailedWriteLeavesThePreviousFile(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("curves.png");
        TrainingCurvePlot.write(curves(), png);
        byte[] before = Files.readAllBytes(png);
        // a folder where the PNG should go: the write fails and the earlier curves stay as they were
        Path blocked = dir.resolve("blocked.png");
        Files.createDirectories(blocked.resolve("inside"));
        assertThrows(IOException.class, () -> TrainingCurvePlot.write(curves(), blocked));
        assertTrue(Files.isDirectory(blocked));
        assertEquals(java.util.Arrays.hashCode(before), java.util.Arrays.hashCode(Files.readAllBytes(png)));
        assertEquals(List.of("blocked.png", "curves.png"), PlotTesting.names(dir), "no temporary file left");
    }
}
