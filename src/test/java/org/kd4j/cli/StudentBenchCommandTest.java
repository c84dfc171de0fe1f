package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench student --model bilstm}: a tiny BiLSTM's training and inference lines at a fixed shape and on a
 * synthetic SST-2 dev set, each with a positive rate and its spread; a model type the benchmark does not build is a
 * usage error naming it, before anything is measured.
 */
class StudentBenchCommandTest {

    private static final Pattern LINE = Pattern.compile("\\| (training|inference), [^|]+\\| +([0-9.]+) +\\| +([0-9.]+) +\\| +([0-9.]+) +"
            + "\\| +([0-9.]+)\\.\\.([0-9.]+) +\\|");

    @Test
    void aBiLstmIsTimedAtAFixedShapeAndOnDevRows(@TempDir Path root) throws Exception {
        org.kd4j.testing.SyntheticSst2.write(root, "dev", 24, 3);
        CliRunner r = CliRunner.run("bench", "student", "--model", "bilstm", "--hidden", "16", "--ffn", "8", "--batch", "4",
                "--length", "12", "--steps", "2", "--data-dir", root.toString(), "--workers", "2", "--optimizer", "adadelta",
                "--lstm-layers", "2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("student bilstm embeddings 16, 8 units per direction, 2 stacked layers, vocab "), r.out());
        assertTrue(r.out().contains(", optimizer adadelta, "), r.out());
        assertTrue(r.out().contains(", 2 worker(s), "), r.out());
        String own = r.out().substring(0, r.out().indexOf("beside ONNX Runtime"));
        List<String> lines = own.lines().filter(l -> l.startsWith("| training") || l.startsWith("| inference")).toList();
        assertEquals(4, lines.size(), r.out());
        assertBesideOrt(r.out());
        assertTrue(r.out().endsWith("beside the peer: not run, the peer trains with AdamW and --optimizer is adadelta\n"),
                r.out());
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), line);
            double rate = Double.parseDouble(m.group(2));
            assertTrue(rate > 0, line);
            // the BiLSTM's FLOP count gives a GFLOP/s figure and its fraction of the GEMM reference (numbers where the
            // transformer-only count gave "-"; this tiny model's round to 0.0; StudentBenchmarkTest checks the count)
            assertTrue(Double.parseDouble(m.group(3)) >= 0 && Double.parseDouble(m.group(4)) >= 0, line);
            assertTrue(Double.parseDouble(m.group(5)) <= Double.parseDouble(m.group(6)), line);
        }
    }

    /**
     * The inference table beside ONNX Runtime: a line at the fixed shape and one on the dev rows, each with both rates,
     * their spreads and the ratio, and the two runtimes' logits agree.
     */
    private static void assertBesideOrt(String out) {
        Matcher header = Pattern.compile("beside ONNX Runtime \\(the same student exported in memory; kd4j: \\d worker\\(s\\);"
                + " medians of \\d alternating passes; logits: max \\|difference\\| ([0-9.e+-]+), max \\|logit\\|"
                + " ([0-9.e+-]+), relative ([0-9.e+-]+)\\):").matcher(out);
        assertTrue(header.find(), out);
        double logit = Double.parseDouble(header.group(2));
        assertTrue(logit > 0, "the logits are all 0: " + header.group());
        assertTrue(Double.parseDouble(header.group(1)) <= 1e-4 * logit, "kd4j and ONNX Runtime disagree: " + header.group());
        assertTrue(Double.parseDouble(header.group(3)) <= 1e-4, "kd4j and ONNX Runtime disagree: " + header.group());
        Pattern row = Pattern.compile("\\| (inference, batch 4 x 12 tokens|inference, SST-2 dev \\(24 sentences, dynamic padding,"
                + " batch 4\\)) +\\| ([0-9.]+) \\(([0-9.]+)\\.\\.([0-9.]+)\\) +\\| ONNX Runtime [0-9.]+ \\(all optimisations, \\d"
                + " threads\\) +\\| ([0-9.]+) \\(([0-9.]+)\\.\\.([0-9.]+)\\) +\\| ([0-9.]+)x +\\|.*");
        List<Matcher> rows = out.lines().map(row::matcher).filter(Matcher::matches).toList();
        assertEquals(2, rows.size(), out);
        rows.forEach(StudentBenchCommandTest::assertSideBySide);
    }

    /**
     * A side-by-side row whose groups 2-4 are kd4j's median, min and max, 5-7 the peer's, 8 the ratio: both rates
     * positive, each median within its spread, the ratio that of the medians (to the rounding of the printed figures).
     */
    private static void assertSideBySide(Matcher m) {
        double ours = Double.parseDouble(m.group(2));
        double theirs = Double.parseDouble(m.group(5));
        assertTrue(ours > 0 && theirs > 0, m.group());
        assertTrue(Double.parseDouble(m.group(3)) <= ours && ours <= Double.parseDouble(m.group(4)), m.group());
        assertTrue(Double.parseDouble(m.group(6)) <= theirs && theirs <= Double.parseDouble(m.group(7)), m.group());
        assertEquals(ours / theirs, Double.parseDouble(m.group(8)), 0.01 + 0.06 * ours / theirs, m.group());
    }

    /** With AdamW and the PyTorch peer on the (test) class path, the BiLSTM's training is also timed beside it. */
    @Test
    void aBiLstmIsTimedBesideThePeer(@TempDir Path root) throws Exception {
        org.kd4j.testing.SyntheticSst2.write(root, "dev", 24, 3);
        CliRunner r = CliRunner.run("bench", "student", "--model", "bilstm", "--hidden", "16", "--ffn", "8", "--batch", "4",
                "--length", "12", "--steps", "2", "--runs", "2", "--data-dir", root.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertBesideOrt(r.out());
        assertTrue(r.out().contains("beside the peer (the same BiLSTM, AdamW; kd4j: "), r.out());
        Pattern besides = Pattern.compile("\\| training, batch 4 x 12 tokens; the peer's word table (trained \\(dense\\)|frozen) +"
                + "\\| ([0-9.]+) \\(([0-9.]+)\\.\\.([0-9.]+)\\) +\\| PyTorch [0-9.]+ \\(DJL [0-9.]+\\) +"
                + "\\| ([0-9.]+) \\(([0-9.]+)\\.\\.([0-9.]+)\\) +\\| ([0-9.]+)x +\\|.*");
        List<Matcher> rows = r.out().lines().map(besides::matcher).filter(Matcher::matches).toList();
        assertEquals(List.of("trained (dense)", "frozen"), rows.stream().map(m -> m.group(1)).toList(), r.out());
        rows.forEach(StudentBenchCommandTest::assertSideBySide);
    }

    @Test
    void aModelTypeItDoesNotBuildIsAUsageError() {
        CliRunner r = CliRunner.run("bench", "student", "--model", "cnn");
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("error: --model: expected transformer or bilstm, found cnn (see 'kd4j bench student --help')\n"), r.err());
        assertTrue(r.out().isEmpty(), "nothing measured: " + r.out());
        r = CliRunner.run("bench", "student", "--optimizer", "lamb");
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("error: Invalid value for option '--optimizer'"), r.err());
        assertTrue(r.out().isEmpty(), "nothing measured: " + r.out());
        r = CliRunner.run("bench", "student", "--ort-threads", "-1");
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("error: --ort-threads: expected 0 (one per core) or more, found -1 (see 'kd4j bench student --help')\n"), r.err());
        assertTrue(r.out().isEmpty(), "nothing measured: " + r.out());
        r = CliRunner.run("bench", "student", "--model", "bilstm", "--runs", "0");
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("error: --runs: expected at least 1, found 0 (see 'kd4j bench student --help')\n"), r.err());
        assertTrue(r.out().isEmpty(), "nothing measured: " + r.out());
    }
}
