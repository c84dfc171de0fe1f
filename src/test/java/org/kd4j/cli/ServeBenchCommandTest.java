package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.testing.SyntheticSst2;
import org.kd4j.testing.TinyRuns;

/** {@code bench serve} runs and prints its side-by-side table (a smoke test: nothing here is timed). */
class ServeBenchCommandTest {

    /** {@code bench serve} on a tiny transformer run and 12 synthetic dev sentences, one run of 12 requests. */
    private static CliRunner serve(Path dir, String... options) throws IOException {
        Path run = dir.resolve("run");
        TinyRuns.write(run, ModelConfig.of(ModelType.TRANSFORMER, 1, 16, 2, 16, 32, Pooling.MEAN), GlueTask.SST2, 20, 3);
        SyntheticSst2.write(dir.resolve("data"), "dev", 12, 4);
        List<String> args = new java.util.ArrayList<>(List.of("bench", "serve", "--model", run.toString(), "--data-dir",
                dir.resolve("data").toString(), "--requests", "12", "--runs", "1", "--throughput-seconds", "0.05"));
        args.addAll(List.of(options));
        return CliRunner.run(args.toArray(new String[0]));
    }

    @Test
    void printsEveryLineForBothRuntimesWithTheRatio(@TempDir Path dir) throws IOException {
        CliRunner r = serve(dir, "--batch-sizes", "1,4", "--callers", "1,3", "--workers", "2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("| measure") && r.out().contains("ONNX Runtime 1.") && r.out().contains("kd4j / ONNX Runtime"), r.out());
        for (String line : List.of("p50 latency, batch 1 (ms)", "p99 latency, batch 1 (ms)", "p50 latency, batch 4 (ms)",
                "p99 latency, batch 4 (ms)", "throughput, batch 1, 1 caller (sentences/s)",
                "throughput, batch 1, 3 concurrent callers (sentences/s)")) {
            String row = r.out().lines().filter(l -> l.startsWith("| " + line)).findFirst().orElseThrow(() -> new AssertionError(line + "\n" + r.out()));
            String[] cells = row.split("\\|");
            // measure, kd4j, spread, ORT, spread, ratio: every figure positive
            assertTrue(Double.parseDouble(cells[2].trim()) > 0 && Double.parseDouble(cells[4].trim()) > 0
                    && Double.parseDouble(cells[6].trim()) > 0, row);
        }
        assertTrue(r.out().contains("kd4j: kd4j (2 workers)"), r.out());
        assertTrue(r.out().contains("12 per measurement (throughput: at least 0.05 s), 1 run(s)"), r.out());
    }

    @Test
    void aNegativeThroughputTimeIsRefused(@TempDir Path dir) {
        CliRunner r = CliRunner.run("bench", "serve", "--model", dir.toString(), "--throughput-seconds", "-1");
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.out());
        assertEquals("error: --throughput-seconds: expected 0 to 600, found -1.0 (see 'kd4j bench serve --help')", r.err().strip());
    }

    @Test
    void withTheOnnxRuntimeEngineTheClassifiersColumnSaysSo(@TempDir Path dir) throws IOException {
        CliRunner r = serve(dir, "--batch-sizes", "1", "--callers", "2", "--workers", "2", "--engine", "onnx_runtime");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains(" DistilledClassifier on ONNX Runtime / ONNX Runtime |"), r.out());
        assertTrue(r.out().contains("DistilledClassifier on ONNX Runtime: DistilledClassifier (2 workers) on ONNX Runtime 1."), r.out());
        String row = r.out().lines().filter(l -> l.startsWith("| p50 latency, batch 1 (ms)")).findFirst()
                .orElseThrow(() -> new AssertionError(r.out()));
        String[] cells = row.split("\\|");
        assertTrue(Double.parseDouble(cells[2].trim()) > 0 && Double.parseDouble(cells[4].trim()) > 0, row);
    }

    @Test
    void coalescingOnKd4jsEngineIsNamedAndRefusedOnOnnxRuntime(@TempDir Path dir) throws IOException {
        CliRunner r = serve(dir, "--batch-sizes", "1", "--callers", "4", "--workers", "1", "--coalescing");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("kd4j: kd4j (1 workers, coalescing up to 32 rows)"), r.out());
        CliRunner ort = serve(dir.resolve("ort"), "--engine", "onnx_runtime", "--coalescing");
        assertEquals(Main.EXIT_USAGE, ort.exitCode(), ort.out());
        assertEquals("error: --coalescing: expected --engine kd4j (calls are run together on kd4j's engine only), found"
                + " --engine ONNX_RUNTIME (see 'kd4j bench serve --help')", ort.err().strip());
        CliRunner callers = serve(dir.resolve("callers"), "--callers", "1,0");
        assertEquals(Main.EXIT_USAGE, callers.exitCode(), callers.out());
        assertEquals("error: --callers: expected counts of 1 to 1024, found [1, 0] (see 'kd4j bench serve --help')",
                callers.err().strip());
    }

    @Test
    void anUnknownEngineIsAUsageError(@TempDir Path dir) {
        CliRunner r = CliRunner.run("bench", "serve", "--model", dir.toString(), "--engine", "tensorflow");
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains("tensorflow"), r.err());
    }

    @Test
    void missingDevDataIsAnInputError(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        TinyRuns.write(run, ModelConfig.of(ModelType.CNN, 1, 8, 1, 4, 32, Pooling.MEAN), GlueTask.SST2, 20, 3);
        CliRunner r = CliRunner.run("bench", "serve", "--model", run.toString(), "--data-dir", dir.resolve("none").toString());
        assertEquals(Main.EXIT_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains(dir.resolve("none").toString()), r.err());
    }
}
