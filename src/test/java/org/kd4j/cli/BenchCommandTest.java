package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.data.tokenize.BertTokenizer;

/** {@code kd4j bench} and {@code kd4j bench tokenizer} on a tiny input. */
class BenchCommandTest {

    @Test
    void tokenizerBenchmarkPrintsATableAndTheChecksum(@TempDir Path dir) throws IOException {
        Path tsv = dir.resolve("tiny.tsv");
        Files.writeString(tsv, "sentence\tlabel\nhello world\t1\nit 's a charming journey . \t1\nbleak\t0\n");
        CliRunner run = CliRunner.run("bench", "tokenizer", "--input", tsv.toString(),
                "--repeats", "3", "--warmup", "1");
        assertEquals(0, run.exitCode(), run.err());
        BertTokenizer tokenizer = BertTokenizer.load("bert-base-uncased");
        long checksum = 0;
        for (String s : new String[] {"hello world", "it 's a charming journey . ", "bleak"}) {
            checksum += Arrays.stream(tokenizer.encode(s, null, 128).inputIds()).sum();
        }
        assertTrue(run.out().contains("3 sentences, 3 timed passes"), run.out());
        assertTrue(run.out().contains("| sentences/s |") && run.out().contains("| tokens/s |"), run.out());
        assertTrue(run.out().contains("checksum " + checksum), run.out());
    }

    @Test
    void missingInputIsAnInputError(@TempDir Path dir) {
        Path missing = dir.resolve("missing.tsv");
        CliRunner run = CliRunner.run("bench", "tokenizer", "--input", missing.toString());
        assertEquals(Main.EXIT_INPUT, run.exitCode());
        assertTrue(run.err().contains(missing + ": file not found"), run.err());
    }

    @Test
    void benchAloneShowsItsSubcommands() {
        CliRunner run = CliRunner.run("bench");
        assertEquals(Main.EXIT_USAGE, run.exitCode());
        assertTrue(run.out().contains("tokenizer"), run.out());
    }

    @Test
    void zeroRepeatsIsAUsageError() {
        CliRunner run = CliRunner.run("bench", "tokenizer", "--repeats", "0");
        assertEquals(Main.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().contains("expected --repeats >= 1"), run.err());
    }

    @Test
    void memoryBenchmarkPrintsFreshAgainstReusedPages() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"));
        CliRunner run = CliRunner.run("bench", "memory", "--block-mb", "2", "--mb-per-run", "8", "--repeats", "3");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("blocks of 2 MB, 8 MB written per run, 3 runs"), run.out());
        for (String line : new String[] {"| fresh mapping each time |", "| fresh mapping, huge pages asked for |",
                "| one mapping reused |", "A fresh page costs "}) {
            assertTrue(run.out().contains(line), line + " missing in\n" + run.out());
        }
    }

    @Test
    void memoryBenchmarkRefusesARunSmallerThanABlock() {
        CliRunner run = CliRunner.run("bench", "memory", "--block-mb", "64", "--mb-per-run", "32");
        assertEquals(Main.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().contains("expected --block-mb >= 1, --mb-per-run >= --block-mb and --repeats >= 1, found 64, 32 and 5"),
                run.err());
    }
}
