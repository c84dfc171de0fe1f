package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench teachers}: two tiny teachers (trained first) score the dev split on kd4j and on ONNX Runtime; the table
 * has one line per teacher with both rates, their ratio and a difference within the export bar; nothing goes into the
 * logit cache. A split the config lacks is one line, before any teacher is trained.
 */
class TeacherBenchCommandTest {

    private static final Pattern LINE = Pattern.compile(
            "\\| (cnn|tf) \\| 40 \\| ([0-9.]+) \\(([0-9.]+)\\.\\.([0-9.]+)\\) \\| ([0-9.]+) \\(([0-9.]+)\\.\\.([0-9.]+)\\) \\| ([0-9.]+)x \\| ([0-9.e+-]+) \\|");

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"logits", "features", "both"})
    void bothRuntimesScoreEachTeacherAndTheTableComparesThem(String output, @TempDir Path root) throws Exception {
        Path yaml = ScoreCommandTest.scene(root);
        CliRunner r = CliRunner.run("bench", "teachers", "--config", yaml.toString(), "--split", "dev", "--rows", "0", "--runs", "2",
                "--output", output, "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("SST-2 dev, " + output + ", batches of ")), r.out());
        List<String> table = r.out().lines().dropWhile(l -> !l.isEmpty()).filter(l -> l.startsWith("| cnn |") || l.startsWith("| tf |")).toList();
        assertEquals(2, table.size(), r.out());
        for (String line : table) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), line);
            double kd4j = Double.parseDouble(m.group(2));
            double ort = Double.parseDouble(m.group(5));
            assertTrue(Double.parseDouble(m.group(3)) <= kd4j && kd4j <= Double.parseDouble(m.group(4)), line);
            assertTrue(Double.parseDouble(m.group(6)) <= ort && ort <= Double.parseDouble(m.group(7)), line);
            assertEquals(ort / kd4j, Double.parseDouble(m.group(8)), 0.01 + 0.01 * ort / kd4j, line);
            assertTrue(Double.parseDouble(m.group(9)) <= 1e-4, line);
        }
        assertFalse(Files.exists(root.resolve("cache").resolve("logits")), "the benchmark wrote logits");
    }

    @Test
    void aSplitTheConfigLacksIsOneLineAndNothingIsTrained(@TempDir Path root) throws Exception {
        Path yaml = ScoreCommandTest.scene(root);
        CliRunner r = CliRunner.run("bench", "teachers", "--config", yaml.toString(), "--no-progress");
        assertEquals(Main.EXIT_INPUT, r.exitCode(), r.err());
        assertEquals("error: --split unlabeled: the config has no unlabeled rows (data.unlabeled_train is 0); give --split train"
                + " or dev", r.err().strip());
        assertFalse(Files.exists(root.resolve("cache")), "a teacher was trained");
    }
}
