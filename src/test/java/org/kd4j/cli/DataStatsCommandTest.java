package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.testing.SharedData;

class DataStatsCommandTest {

    @Test
    void shippedSst2ThroughThePreset() {
        CliRunner r = CliRunner.run("data", "stats", "--config", "hparams/presets/sst2-demo.yaml");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("## SST-2"), r.out());
        assertTrue(r.out().matches("(?s).*\\| train \\| 67,349 \\|\\s+67,349 \\| yes .*"), r.out());
        assertTrue(r.out().contains("0: 29,780 (44.2%), 1: 37,569 (55.8%)"), r.out());
        assertTrue(r.out().matches("(?s).*\\| dev\\s+\\|\\s+872 \\|\\s+872 \\| yes .*"), r.out());
    }

    @Test
    void oneSplitAndPercentiles() {
        CliRunner r = CliRunner.run("data", "stats", "--task", "SST-2", "--split", "dev", "--max-length", "16");
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(r.out().contains("| train"), r.out());
        assertTrue(r.out().contains("max_length 16"), r.out());
    }

    @Test
    void everySharedTaskMatchesItsPublishedCounts() {
        Path shared = SharedData.requireDatasets();
        CliRunner r = CliRunner.run("data", "stats", "--task", "all", "--data-dir", shared.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        for (String task : new String[] {"CoLA", "SST-2", "MRPC", "STS-B", "QNLI", "RTE", "WNLI", "CB", "SuperGLUE-RTE"}) {
            assertTrue(r.out().contains("## " + task + " "), task + " missing in\n" + r.out());
        }
        assertFalse(r.out().contains("| no "), r.out());
    }

    @Test
    void mismatchWithPublishedCountExitsNonZero(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("glue/WNLI/dev.tsv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "index\tsentence1\tsentence2\tlabel\n0\tA.\tB.\t1\n");
        CliRunner r = CliRunner.run("data", "stats", "--task", "WNLI", "--data-dir", dir.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.out().contains("| no "), r.out());
        assertTrue(r.err().contains("differ from the published row count"), r.err());
    }

    @Test
    void errorsAreOneLineAndNonZero(@TempDir Path dir) throws IOException {
        CliRunner missing = CliRunner.run("data", "stats", "--task", "MNLI", "--data-dir", dir.toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().startsWith("error: no files of task MNLI"), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), "one line without -v: " + missing.err());

        CliRunner unknown = CliRunner.run("data", "stats", "--task", "SST-3");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown task 'SST-3'"), unknown.err());

        CliRunner badSplit = CliRunner.run("data", "stats", "--task", "SST-2", "--split", "test");
        assertEquals(1, badSplit.exitCode(), "test.tsv of SST-2 is not shipped");
        assertTrue(badSplit.err().contains("datasets/glue/SST-2/test.tsv"), badSplit.err());

        Path bad = dir.resolve("glue/RTE/dev.tsv");
        Files.createDirectories(bad.getParent());
        Files.writeString(bad, "index\tsentence1\tsentence2\tlabel\n0\tA.\tentailment\n");
        CliRunner badRow = CliRunner.run("data", "stats", "--task", "RTE", "--data-dir", dir.toString());
        assertEquals(1, badRow.exitCode());
        assertTrue(badRow.err().contains(bad + ":2: expected 4 tab-separated columns"), badRow.err());
        CliRunner skipped = CliRunner.run("data", "stats", "--task", "RTE", "--data-dir", dir.toString(), "--on-bad-row", "skip");
        assertTrue(skipped.out().matches("(?s).*\\| dev\\s+\\|\\s+0 \\|\\s+277 \\| no\\s+\\|\\s+1 \\|.*"), skipped.out());

        CliRunner usage = CliRunner.run("data", "stats", "--bogus");
        assertEquals(2, usage.exitCode());
        assertTrue(usage.err().contains("Unknown option: '--bogus'"), usage.err());
    }

    @Test
    void verboseShowsTheStackTrace(@TempDir Path dir) {
        CliRunner r = CliRunner.run("-v", "data", "stats", "--task", "MNLI", "--data-dir", dir.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("at org.kd4j."), r.err());
    }

    @Test
    void helpListsOnlyWorkingCommands() {
        CliRunner r = CliRunner.run("--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("data"), r.out());
    }
}
