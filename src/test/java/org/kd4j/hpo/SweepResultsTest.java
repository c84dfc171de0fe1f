package org.kd4j.hpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;
import org.kd4j.plot.ScatterPlot;

/** {@link SweepResults} on four hand-made trials, one failed. */
class SweepResultsTest {

    private static final List<String> DIMS = List.of("lr", "layers", "pooling", "kd weight");
    private static final String FAILURE = "out of memory, \"batch\" too large";

    /** Scores 0.81, 0.86, 0.72 and a failure: best-first order when maximizing is 1, 0, 2, then 3. */
    private static List<TrialRecord> trials() {
        Map<String, TrialValue> v0 = values(3.2e-4, 2, "mean", 0.5);
        v0.put("temperature", new TrialValue.Real(2.0)); // a whole-number real not swept: must stay a real
        return List.of(
                TrialRecord.ok(0, v0, 0.81, Map.of("dev_accuracy", 0.81, "dev_loss", 0.43), 12.5),
                TrialRecord.ok(1, values(1e-3, 4, "max", 0.7), 0.86, Map.of("dev_accuracy", 0.86, "dev_loss", 0.35),
                        20.0),
                TrialRecord.ok(2, values(5e-2, 1, "cls", 0.9), 0.72, Map.of("dev_accuracy", 0.72, "dev_loss", 0.61),
                        8.25),
                TrialRecord.failed(3, values(0.1, 3, "mean", 0.5), Map.of(), 1.0, FAILURE));
    }

    private static Map<String, TrialValue> values(double lr, int layers, String pooling, double kdWeight) {
        Map<String, TrialValue> v = new LinkedHashMap<>();
        v.put("lr", new TrialValue.Real(lr));
        v.put("layers", new TrialValue.Int(layers));
        v.put("pooling", new TrialValue.Choice(pooling));
        v.put("kd weight", new TrialValue.Real(kdWeight));
        return v;
    }

    @Test
    void csvIsBestFirstWithFailedLastAndQuoted(@TempDir Path dir) throws IOException {
        SweepResults.write(dir, DIMS, "dev_accuracy", true, trials());
        List<String> lines = Files.readAllLines(dir.resolve(SweepResults.CSV_FILE));
        // the objective is also a metric: it gets one column, not two
        assertEquals("rank,trial,lr,layers,pooling,kd weight,dev_accuracy,dev_loss,seconds,status,message",
                lines.get(0));
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertEquals("1,1,0.001,4,max,0.7,0.86,0.35,20.0,OK,", lines.get(1));
        assertEquals("2,0,3.2E-4,2,mean,0.5,0.81,0.43,12.5,OK,", lines.get(2));
        assertEquals("3,2,0.05,1,cls,0.9,0.72,0.61,8.25,OK,", lines.get(3));
        assertEquals(",3,0.1,3,mean,0.5,,,1.0,FAILED,\"out of memory, \"\"batch\"\" too large\"", lines.get(4));
    }

    @Test
    void minimizingReversesTheOrderAndKeepsFailedLast(@TempDir Path dir) throws IOException {
        SweepResults.write(dir, DIMS, "dev_accuracy", false, trials());
        List<String> lines = Files.readAllLines(dir.resolve(SweepResults.CSV_FILE));
        assertEquals(List.of("2", "0", "1", "3"), lines.subList(1, 5).stream().map(l -> l.split(",")[1]).toList());
        assertTrue(lines.get(1).startsWith("1,2,"), lines.get(1));
        assertEquals(2, SweepResults.best(trials(), false).orElseThrow().index());
        assertEquals(1, SweepResults.best(trials(), true).orElseThrow().index());
    }

    @Test
    void markdownHasEveryRowFailedLast(@TempDir Path dir) throws IOException {
        SweepResults.write(dir, DIMS, "dev_accuracy", true, trials());
        String md = Files.readString(dir.resolve(SweepResults.MARKDOWN_FILE));
        List<String> rows = md.lines().filter(l -> l.startsWith("|")).toList();
        assertEquals(2 + 4, rows.size(), md); // header, separator, four trials
        assertEquals(List.of("rank", "trial", "lr", "layers", "pooling", "kd weight", "dev_accuracy", "dev_loss",
                "seconds", "status", "message"), cells(rows.get(0)));
        assertEquals(List.of("1", "1", "1.0e-03", "4", "max", "0.7", "0.8600", "0.3500", "20.0", "OK", ""),
                cells(rows.get(2)));
        assertEquals(List.of("2", "0", "3.2e-04", "2", "mean", "0.5", "0.8100", "0.4300", "12.5", "OK", ""),
                cells(rows.get(3)));
        assertEquals(List.of("3", "2", "0.05", "1", "cls", "0.9", "0.7200", "0.6100", "8.3", "OK", ""),
                cells(rows.get(4)));
        assertEquals(List.of("-", "3", "0.1", "3", "mean", "0.5", "-", "", "1.0", "FAILED", FAILURE),
                cells(rows.get(5)));
        assertTrue(md.contains("4 trials, 1 failed. Best: trial 1, dev_accuracy 0.8600."), md);
        assertTrue(md.contains("](plots/score-vs-kd_weight.png)"), md);
    }

    @Test
    void jsonRoundTripKeepsValueTypes(@TempDir Path dir) throws IOException {
        List<TrialRecord> written = trials();
        SweepResults.write(dir, DIMS, "dev_accuracy", true, written);
        List<TrialRecord> read = SweepResults.read(dir);
        assertEquals(written, read);
        Map<String, TrialValue> v = read.get(0).values();
        assertInstanceOf(TrialValue.Real.class, v.get("lr"));
        assertInstanceOf(TrialValue.Real.class, v.get("temperature"));
        assertInstanceOf(TrialValue.Int.class, v.get("layers"));
        assertInstanceOf(TrialValue.Choice.class, v.get("pooling"));
        assertTrue(Double.isNaN(read.get(3).score()));
        assertEquals(FAILURE, read.get(3).message());
        String json = Files.readString(dir.resolve(SweepResults.JSON_FILE));
        assertTrue(json.contains("\"objective\" : \"dev_accuracy\"") && json.contains("\"maximize\" : true"), json);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "temporary files left");
        }
    }

    @Test
    void readWithoutResultsIsEmpty(@TempDir Path dir) {
        assertEquals(List.of(), SweepResults.read(dir));
    }

    @Test
    void truncatedJsonIsAnErrorNamingTheFile(@TempDir Path dir) throws IOException {
        SweepResults.write(dir, DIMS, "dev_accuracy", true, trials());
        Path json = dir.resolve(SweepResults.JSON_FILE);
        byte[] bytes = Files.readAllBytes(json);
        Files.write(json, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        KdException e = assertThrows(KdException.class, () -> SweepResults.read(dir));
        assertTrue(e.getMessage().contains(json.toString()), e.getMessage());
    }

    @Test
    void wrongValueTypeIsAnErrorNamingTheField(@TempDir Path dir) throws IOException {
        SweepResults.write(dir, DIMS, "dev_accuracy", true, trials());
        Path json = dir.resolve(SweepResults.JSON_FILE);
        Files.writeString(json, Files.readString(json).replaceFirst("\"type\" : \"int\"", "\"type\" : \"long\""));
        KdException e = assertThrows(KdException.class, () -> SweepResults.read(dir));
        assertTrue(e.getMessage().contains(json + ": trials[0].values.layers.type: expected double, int or string"),
                e.getMessage());
    }

    @Test
    void onePlotPerDimensionWithTheBestHighlighted(@TempDir Path dir) throws IOException {
        SweepResults.write(dir, DIMS, "dev_accuracy", true, trials());
        for (String name : List.of("score-vs-lr.png", "score-vs-layers.png", "score-vs-pooling.png",
                "score-vs-kd_weight.png")) {
            Path png = dir.resolve("plots").resolve(name);
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(ScatterPlot.WIDTH, image.getWidth(), name);
            assertEquals(ScatterPlot.HEIGHT, image.getHeight(), name);
            assertEquals(0xFFFFFF, image.getRGB(2, 2) & 0xFFFFFF, name + ": background");
            assertTrue(count(image, ScatterPlot.BEST.getRGB()) > 20, name + ": best dot");
            assertTrue(count(image, ScatterPlot.DOT.getRGB()) > 20, name + ": other dots");
        }
    }

    @Test
    void aDimensionWithoutSuccessfulTrialsStillGetsAPlot(@TempDir Path dir) throws IOException {
        SweepResults.write(dir, List.of("lr"), "dev_accuracy", true, List.of(trials().get(3)));
        BufferedImage image = ImageIO.read(dir.resolve("plots/score-vs-lr.png").toFile());
        assertEquals(ScatterPlot.WIDTH, image.getWidth());
        assertEquals(0, count(image, ScatterPlot.BEST.getRGB()));
        assertTrue(Files.readString(dir.resolve(SweepResults.MARKDOWN_FILE)).contains("1 trial, 1 failed."));
    }

    @Test
    void numbersAreFormattedForReading() {
        assertEquals("3.2e-04", SweepResults.formatNumber(3.2e-4));
        assertEquals("0.1", SweepResults.formatNumber(0.1));
        assertEquals("2", SweepResults.formatNumber(2.0));
        assertEquals("0.3333", SweepResults.formatNumber(1.0 / 3));
        assertEquals("0", SweepResults.formatNumber(0));
    }

    @Test
    void plotFileNamesAreSafeAndDistinct() {
        assertEquals(List.of("score-vs-train.lr.png", "score-vs-a_b.png", "score-vs-a_b-2.png"),
                new ArrayList<>(SweepResults.plotFileNames(List.of("train.lr", "a/b", "a b")).values()));
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1, row.length() - 1);
        return Stream.of(inner.split("\\|", -1)).map(String::trim).toList();
    }

    private static int count(BufferedImage image, int argb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (argb & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }
}
