package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.cli.CliRunner;
import org.kd4j.config.ConfigLoader;
import org.kd4j.distill.train.Progress;
import org.kd4j.distill.train.TrainingCurve;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.TextClassifier;
import org.kd4j.run.RunDirectory;

/**
 * The MT-BERT-style hidden loss end to end on a tiny generated SST-2: two teachers of different pooled widths (a CNN,
 * 24 wide, and a transformer, 16 wide), a transformer student (16 wide), {@code distill.hidden_weight: 1}; the loss
 * falls, the teachers' pooled representations are cached beside their logits and read back by a second run, the
 * projections stay out of the saved student, and bad hidden-loss settings fail before the run directory is touched.
 */
class HiddenDistillationTest {

    @TempDir static Path root;
    static Path config;
    static DistillationRun.Result first;

    static String yaml(Path data, Path run, String distillExtra) {
        return """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                teachers:
                  - name: cnn
                    model: {type: cnn, hidden: 16, ffn: 8}
                    train: {epochs: 2, learning_rate: 0.01}
                  - name: tiny-bert
                    model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32}
                    train: {epochs: 2, learning_rate: 0.005}
                student:
                  model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32}
                  train: {epochs: 3, learning_rate: 0.005}
                distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5, weighting: teacher_loss%s}
                run: {dir: %s, cache_dir: %s, students: [ensemble]}
                """.formatted(data, distillExtra, run, root.resolve("cache"));
    }

    @BeforeAll
    static void runOnce() throws IOException {
        Path data = root.resolve("data");
        org.kd4j.testing.SyntheticSst2.write(data, "train", 160, 1);
        org.kd4j.testing.SyntheticSst2.write(data, "dev", 48, 2);
        config = root.resolve("hidden.yaml");
        Files.writeString(config, yaml(data, root.resolve("run"), ", hidden_weight: 1.0"));
        first = new DistillationRun(ConfigLoader.load(config, List.of()), "test", false, Progress.off()).run();
    }

    @Test
    void theLossFallsAndTheProjectionsAreNotPartOfTheStudent() throws IOException {
        TrainingCurve curve = first.curves().get(0);
        List<Double> losses = curve.series(TrainingCurve.Series.TRAIN_LOSS).stream().map(TrainingCurve.Point::value).toList();
        assertEquals(30, losses.size(), "3 epochs of 10 batches");
        double start = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double end = losses.subList(losses.size() - 5, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(end < 0.8 * start, "loss from " + start + " to " + end + ": " + losses);
        TextClassifier saved = TextClassifier.load(first.directory().file(RunDirectory.MODEL));
        assertTrue(saved.parameters().keySet().stream().noneMatch(n -> n.startsWith(ClassifierGraph.LOSS_PREFIX)),
                saved.parameters().keySet().toString());
        assertTrue(saved.graph().hasFeatures());
    }

    @Test
    void theSecondRunReadsThePooledRepresentationsFromTheCache() throws IOException {
        Map<Path, FileTime> before = pooledFiles();
        assertEquals(2, before.size(), "one file of train pooled representations per teacher: " + before);
        for (Path file : before.keySet()) {
            // header 48 bytes + 160 rows x width floats + checksum 4
            long size = Files.size(file);
            assertTrue(size == 48 + 160L * 24 * 4 + 4 || size == 48 + 160L * 16 * 4 + 4, file + ": " + size + " bytes");
            assertEquals("KDPC", new String(Files.readAllBytes(file), 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        }
        Path again = root.resolve("again.yaml");
        Files.writeString(again, Files.readString(config).replace(root.resolve("run").toString(), root.resolve("run2").toString()));
        CliRunner second = CliRunner.run("distill", "--config", again.toString(), "--no-progress");
        assertEquals(0, second.exitCode(), second.err());
        assertEquals(before, pooledFiles(), "the cached files were read, not written again");
        assertTrue(new RunDirectory(root.resolve("run2")).finished());
    }

    /**
     * With {@code run.teacher_runtime: onnx_runtime} the teachers' pooled representations are computed by ONNX Runtime
     * (checked against kd4j's first, or the run stops) and cached under keys of their own: the same teachers (their
     * model files copied into another cache) give files of the same sizes under other names.
     */
    @Test
    void onOnnxRuntimeThePooledRepresentationsAreCachedApartFromKd4js() throws IOException {
        Map<Path, FileTime> kd4j = pooledFiles();
        Path cache = root.resolve("cache-ort");
        Files.createDirectories(cache);
        Path teachers = root.resolve("cache/teachers");
        try (Stream<Path> files = Files.walk(teachers)) {
            for (Path f : files.toList()) {
                Path to = cache.resolve("teachers").resolve(teachers.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        Path file = root.resolve("ort.yaml");
        Files.writeString(file, Files.readString(config).replace(root.resolve("run").toString(), root.resolve("run-ort").toString())
                .replace(root.resolve("cache").toString(), cache.toString()));
        CliRunner r = CliRunner.run("distill", "--config", file.toString(), "--no-progress", "--set", "run.teacher_runtime=onnx_runtime");
        assertEquals(0, r.exitCode(), r.err());
        List<Path> ort;
        try (Stream<Path> files = Files.list(cache.resolve("logits"))) {
            ort = files.filter(f -> f.toString().endsWith(".pooled")).sorted().toList();
        }
        assertEquals(2, ort.size(), "one file per teacher: " + ort);
        java.util.Set<String> kd4jNames = new java.util.TreeSet<>();
        java.util.List<Long> kd4jSizes = new java.util.ArrayList<>();
        for (Path f : kd4j.keySet()) {
            kd4jNames.add(f.getFileName().toString());
            kd4jSizes.add(Files.size(f));
        }
        java.util.List<Long> ortSizes = new java.util.ArrayList<>();
        for (Path f : ort) {
            assertFalse(kd4jNames.contains(f.getFileName().toString()), f + " has the key of kd4j's representations");
            ortSizes.add(Files.size(f));
        }
        assertEquals(kd4jSizes.stream().sorted().toList(), ortSizes.stream().sorted().toList());
        assertTrue(new RunDirectory(root.resolve("run-ort")).finished());
    }

    @Test
    void aHiddenWidthThatDoesNotMatchItsTeacherFailsBeforeTheRunDirectory() throws IOException {
        CliRunner r = distill("dims", ", hidden_weight: 1.0, hidden_dims: [99, 16]");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("distill.hidden_dims[0] = 99 does not match teacher cnn, whose pooled representation is 24"
                + " wide"), r.err());
        assertFalse(Files.exists(root.resolve("never-dims")), "nothing written to the run directory");
    }

    @Test
    void hiddenWidthsNeedOnePerTeacherAndAHiddenWeight() throws IOException {
        CliRunner count = distill("count", ", hidden_weight: 1.0, hidden_dims: [24]");
        assertEquals(1, count.exitCode(), count.err());
        assertTrue(count.err().contains("distill.hidden_dims = '[24]' is not valid; expected one pooled width per teacher (2)"),
                count.err());
        assertFalse(Files.exists(root.resolve("never-count")));

        CliRunner off = distill("off", ", hidden_dims: [24, 16]");
        assertEquals(1, off.exitCode(), off.err());
        assertTrue(off.err().contains("hidden_dims = '[24, 16]' is not valid; expected empty when hidden_weight is 0"), off.err());
        assertFalse(Files.exists(root.resolve("never-off")));

        CliRunner negative = distill("negative", ", hidden_weight: -1");
        assertEquals(1, negative.exitCode(), negative.err());
        assertTrue(negative.err().contains("hidden_weight"), negative.err());
        assertFalse(Files.exists(root.resolve("never-negative")));
    }

    @Test
    void aTeacherImportedAsItIsCannotGiveAPooledRepresentation() throws IOException {
        Path sdz = root.resolve("elsewhere.sdz");
        Files.writeString(sdz, "not read: the check is made before the teacher is loaded");
        String text = yaml(root.resolve("data"), root.resolve("never-sdz"), ", hidden_weight: 1.0")
                .replace("""
                  - name: tiny-bert
                    model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32}
                    train: {epochs: 2, learning_rate: 0.005}
                """, """
                  - name: imp
                    imported: %s
                    vocab: bert-base-uncased
                """.formatted(sdz));
        Path file = root.resolve("sdz.yaml");
        Files.writeString(file, text);
        CliRunner r = CliRunner.run("distill", "--config", file.toString(), "--no-progress");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("teachers[imp].imported = " + sdz + ": distill.hidden_weight = 1.0 needs the teacher's"
                + " pooled representation"), r.err());
        assertFalse(Files.exists(root.resolve("never-sdz")));
    }

    private static CliRunner distill(String name, String distillExtra) throws IOException {
        Path file = root.resolve(name + ".yaml");
        Files.writeString(file, yaml(root.resolve("data"), root.resolve("never-" + name), distillExtra));
        return CliRunner.run("distill", "--config", file.toString(), "--no-progress");
    }

    private static Map<Path, FileTime> pooledFiles() throws IOException {
        Map<Path, FileTime> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(root.resolve("cache/logits"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".pooled")).toList()) {
                out.put(f, Files.getLastModifiedTime(f));
            }
        }
        return out;
    }
}
