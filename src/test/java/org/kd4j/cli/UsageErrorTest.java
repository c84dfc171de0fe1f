package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Options picocli cannot judge alone (a range, a pair that excludes each other, one required with another) are bad
 * usage like picocli's own errors: exit 2, one line naming the option, what was expected and what was found, and the
 * command's help; judged before any file is read or written.
 */
class UsageErrorTest {

    private static void assertUsage(String expected, String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertEquals("error: " + expected, r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void rangesAndCombinationsOfOptions(@TempDir Path dir) {
        Path out = dir.resolve("out");
        assertUsage("--task is required (or --config with a preset that names the task) (see 'kd4j data stats --help')",
                "data", "stats");
        assertUsage("--task is required (or --config with a preset that names the task) (see 'kd4j augment --help')",
                "augment", "--out", out.resolve("a.tsv").toString());
        assertUsage("--out: required with --onnx or --tf (the model file to write: .sdz imported graph, or .kdm native model"
                + " of a recognised classifier) (see 'kd4j import --help')", "import", "--onnx", dir.resolve("m.onnx").toString());
        assertUsage("--input and --split: give one of them, not both (see 'kd4j score --help')",
                "score", "--input", dir.resolve("t.txt").toString(), "--split", "dev");
        assertUsage("--partitions: expected 0 (Spark's default) or more, found -1 (see 'kd4j score --help')",
                "score", "--partitions", "-1");
        assertUsage("--runs: expected 1 or more, found 0 (see 'kd4j bench teachers --help')", "bench", "teachers", "--runs", "0");
        assertUsage("--rows: expected 0 (all) or more, found -1 (see 'kd4j bench teachers --help')",
                "bench", "teachers", "--rows", "-1");
        assertUsage("--examples: expected 1 or more, found 0 (see 'kd4j export --help')",
                "export", "--model", dir.toString(), "--onnx", out.resolve("s.onnx").toString(), "--examples", "0");
        assertUsage("--steps: expected 1 or more, found 0 (see 'kd4j bench encoders --help')", "bench", "encoders", "--steps", "0");
        assertUsage("--memory-steps: expected 0 (none) or more, found -1 (see 'kd4j bench encoders --help')",
                "bench", "encoders", "--memory-steps", "-1");
        assertFalse(Files.exists(out), "nothing written");
    }
}
