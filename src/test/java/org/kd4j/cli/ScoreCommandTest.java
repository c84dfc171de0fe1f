package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.distill.TaskData;
import org.kd4j.distill.Teacher;
import org.kd4j.distill.TeacherPool;
import org.kd4j.distill.train.Progress;
import org.kd4j.testing.SyntheticSst2;

/**
 * {@code score}: two tiny teachers (a CNN and a transformer, trained here) score a 300-line transfer file in chunks of
 * 64 rows into the logit cache; a distillation run of the same config then loads no teacher at all; Spark's local mode
 * writes the same bytes; bad input is refused before anything is written.
 */
class ScoreCommandTest {

    static final int TRANSFER_ROWS = 300;

    /** Synthetic SST-2 train and dev files, a config with two tiny teachers, and a transfer file; returns the config. */
    static Path scene(Path root) throws IOException {
        Path data = root.resolve("data");
        SyntheticSst2.write(data, "train", 120, 1);
        SyntheticSst2.write(data, "dev", 40, 2);
        Path yaml = root.resolve("score.yaml");
        Files.writeString(yaml, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16}
                teachers:
                  - name: cnn
                    model: {type: cnn, hidden: 16, ffn: 16}
                    train: {epochs: 1, learning_rate: 0.01}
                  - name: tf
                    model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32, pooling: mean}
                    train: {epochs: 1, learning_rate: 0.01}
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, root.resolve("run"), root.resolve("cache")));
        List<String> lines = SyntheticSst2.rows(TRANSFER_ROWS, 9, SyntheticSst2.FILLER, SyntheticSst2.SENTIMENT).stream()
                .map(SyntheticSst2.Row::sentence).toList();
        Files.write(root.resolve("transfer.txt"), lines);
        return yaml;
    }

    /** The logit cache files under {@code root}, by name, with their bytes. */
    static Map<String, byte[]> logitFiles(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        Path dir = root.resolve("cache").resolve("logits");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), Files.isRegularFile(f) ? Files.readAllBytes(f) : new byte[0]);
            }
        }
        return out;
    }

    @Test
    void aLaterDistillationReadsTheScoresAndLoadsNoTeacher(@TempDir Path root) throws IOException {
        Path yaml = scene(root);
        String transfer = root.resolve("transfer.txt").toString();
        CliRunner r = CliRunner.run("score", "--config", yaml.toString(), "--input", transfer, "--chunk-rows", "64", "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).matches("teacher cnn: 300 rows, [0-9.]+ s, [0-9.]+ rows/s, .*\\.logits"), lines.get(0));
        assertTrue(lines.get(1).startsWith("teacher tf: 300 rows, "), lines.get(1));
        assertEquals(2, logitFiles(root).size(), "one file per teacher, chunks deleted: " + logitFiles(root).keySet());
        for (String split : new String[] {"train", "dev"}) {
            CliRunner s = CliRunner.run("score", "--config", yaml.toString(), "--split", split, "--no-progress");
            assertEquals(0, s.exitCode(), s.err());
        }
        CliRunner again = CliRunner.run("score", "--config", yaml.toString(), "--input", transfer, "--no-progress");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("teacher cnn: 300 rows, already cached"), again.out());

        // distill's teachers, with the transfer file: every logit comes from the cache, no teacher model is loaded
        ExperimentConfig config = ConfigLoader.load(yaml, List.of("data.transfer_file=" + transfer, "run.measure_teachers=false"));
        TeacherPool pool = new TeacherPool(config, new TaskData(config.task(), config.data()), Progress.off());
        List<Teacher> teachers = pool.teachers();
        assertEquals(0, pool.loadedFromCache(), "a teacher was loaded: something was scored again");
        assertEquals(120 + TRANSFER_ROWS, teachers.get(0).trainLogits().length);
        assertEquals(6, logitFiles(root).size(), "no logit file was added: " + logitFiles(root).keySet());
    }

    @Test
    void sparkLocalModeWritesTheSameCacheFilesByteForByte(@TempDir Path root) throws IOException {
        Path yaml = scene(root);
        String transfer = root.resolve("transfer.txt").toString();
        CliRunner local = CliRunner.run("score", "--config", yaml.toString(), "--input", transfer, "--chunk-rows", "128", "--no-progress");
        assertEquals(0, local.exitCode(), local.err());
        Map<String, byte[]> expected = logitFiles(root);
        assertEquals(2, expected.size());
        for (String name : expected.keySet()) {
            Files.delete(root.resolve("cache").resolve("logits").resolve(name));
        }
        CliRunner spark = CliRunner.run("score", "--config", yaml.toString(), "--input", transfer, "--chunk-rows", "128",
                "--spark", "--master", "local[2]", "--partitions", "3", "--no-progress");
        assertEquals(0, spark.exitCode(), spark.err());
        Map<String, byte[]> actual = logitFiles(root);
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name), actual.get(name), name);
        }
    }

    /**
     * {@code run.teacher_runtime: onnx_runtime}: the same transfer file scored again writes one new file per teacher under
     * keys of its own (kd4j's files stay as they were), and a distillation run on ONNX Runtime reads those logits, which
     * agree with kd4j's within the export bar. With {@code --spark} the executors score on ONNX Runtime too and write
     * the same files byte for byte.
     */
    @Test
    void onnxRuntimeScoresUnderKeysOfItsOwnAndAgreesWithKd4j(@TempDir Path root) throws IOException {
        Path yaml = scene(root);
        String transfer = root.resolve("transfer.txt").toString();
        CliRunner kd4j = CliRunner.run("score", "--config", yaml.toString(), "--input", transfer, "--no-progress");
        assertEquals(0, kd4j.exitCode(), kd4j.err());
        Map<String, byte[]> kd4jFiles = logitFiles(root);
        assertEquals(2, kd4jFiles.size());

        CliRunner ort = CliRunner.run("score", "--config", yaml.toString(), "--input", transfer, "--set",
                "run.teacher_runtime=onnx_runtime", "--no-progress");
        assertEquals(0, ort.exitCode(), ort.err());
        assertTrue(ort.out().contains("teacher tf: 300 rows, ") && !ort.out().contains("already cached"), ort.out());
        Map<String, byte[]> all = logitFiles(root);
        assertEquals(4, all.size(), "one new file per teacher: " + all.keySet());
        for (Map.Entry<String, byte[]> e : kd4jFiles.entrySet()) {
            assertArrayEquals(e.getValue(), all.get(e.getKey()), "kd4j's file changed: " + e.getKey());
        }
        for (String name : all.keySet()) {
            if (!kd4jFiles.containsKey(name)) {
                Files.delete(root.resolve("cache").resolve("logits").resolve(name));
            }
        }
        CliRunner spark = CliRunner.run("score", "--config", yaml.toString(), "--input", transfer, "--set",
                "run.teacher_runtime=onnx_runtime", "--spark", "--master", "local[2]", "--partitions", "3",
                "--no-progress");
        assertEquals(0, spark.exitCode(), spark.err());
        Map<String, byte[]> onSpark = logitFiles(root);
        assertEquals(all.keySet(), onSpark.keySet());
        for (String name : all.keySet()) {
            assertArrayEquals(all.get(name), onSpark.get(name), "spark's file differs from the local one: " + name);
        }

        List<String> overrides = List.of("data.transfer_file=" + transfer, "run.measure_teachers=false");
        ExperimentConfig onKd4j = ConfigLoader.load(yaml, overrides);
        List<String> ortOverrides = new java.util.ArrayList<>(overrides);
        ortOverrides.add("run.teacher_runtime=onnx_runtime");
        ExperimentConfig onOrt = ConfigLoader.load(yaml, ortOverrides);
        List<Teacher> a = new TeacherPool(onKd4j, new TaskData(onKd4j.task(), onKd4j.data()), Progress.off()).teachers();
        List<Teacher> b = new TeacherPool(onOrt, new TaskData(onOrt.task(), onOrt.data()), Progress.off()).teachers();
        for (int t = 0; t < 2; t++) {
            for (float[][][] pair : new float[][][][] {{a.get(t).trainLogits(), b.get(t).trainLogits()},
                    {a.get(t).devLogits(), b.get(t).devLogits()}}) {
                org.kd4j.export.ExportCheck check = org.kd4j.export.ExportCheck.compare(pair[0], pair[1]);
                assertTrue(check.passes(), a.get(t).config().name() + ": " + check.describe());
            }
        }
        // train and dev scored by each runtime under its own keys: 4 more files for each
        assertEquals(12, logitFiles(root).size(), logitFiles(root).keySet().toString());
    }

    @Test
    void badInputIsOneLineNamingTheFileAndNothingIsWritten(@TempDir Path root) throws IOException {
        Path yaml = scene(root);
        Path missing = root.resolve("missing.txt");
        Path empty = Files.writeString(root.resolve("empty.txt"), "");
        Path malformed = Files.writeString(root.resolve("malformed.txt"), "a fine film\ntwo\ttexts\nthird\n");
        Object[][] cases = {
            {missing.toString(), missing + ": transfer file not found"},
            {empty.toString(), empty + ": the transfer file holds no examples"},
            {malformed.toString(), malformed + ":2: expected 1 tab-separated text(s) for task SST-2, found 2"}};
        for (Object[] c : cases) {
            CliRunner r = CliRunner.run("score", "--config", yaml.toString(), "--input", (String) c[0], "--no-progress");
            assertEquals(Main.EXIT_INPUT, r.exitCode(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("error: " + c[1]), r.err());
        }
        CliRunner split = CliRunner.run("score", "--config", yaml.toString(), "--split", "test");
        assertEquals(Main.EXIT_USAGE, split.exitCode(), split.err());
        assertTrue(split.err().contains("--split") && split.err().contains("test"), split.err());
        CliRunner none = CliRunner.run("score", "--config", yaml.toString());
        assertEquals(Main.EXIT_INPUT, none.exitCode(), none.err());
        assertTrue(none.err().startsWith("error: nothing to score: give --input"), none.err());
        assertFalse(Files.exists(root.resolve("cache")), "nothing written, no teacher trained");
    }
}
