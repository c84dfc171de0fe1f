package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.imports.testing.Fixtures;

/**
 * {@code bench encoders} end to end on the tiny Tribuo BERT (its tokenizer beside it): every line is printed with
 * kd4j's figure, the peer's and their ratio, the GEMM ceiling and the memory trace. It checks what the command prints,
 * not how fast anything is (benchmarks are commands, not timed tests).
 */
class EncoderBenchCommandTest {

    @Test
    void printsEachLineBesideItsPeer(@TempDir Path cache) {
        String tiny = Fixtures.resource("fixtures/tribuo-tinybert/tinybert.onnx").toString();
        CliRunner r = CliRunner.run("bench", "encoders", "--inference-encoder", tiny, "--training-encoder", tiny, "--runs", "1",
                "--steps", "1", "--training-lengths", "8", "--inference-length", "8", "--batch", "4", "--memory-steps", "4",
                "--memory-length", "8", "--cache-dir", cache.toString());
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.contains("| inference, batch 4 x 8 tokens") && out.contains("ONNX Runtime 1.29.0"), out);
        assertTrue(out.contains("| inference, SST-2 dev (872 sentences, dynamic padding, batch 4)"), out);
        assertTrue(out.contains("| fine-tuning, batch 4 x 8 tokens") && out.contains("PyTorch"), out);
        assertTrue(out.matches("(?s).*\\| fine-tuning, batch 4 x 8 tokens .*\\| [0-9.]+x .*"), out);
        assertTrue(out.contains("ND4J float32 GEMM 2048 x 2048"), out);
        assertTrue(out.contains("memory: fine-tuning 4 steps at 4 x 8: peak resident"), out);
    }

    @Test
    void anEncoderThatIsNotABertLayoutIsAnInputError(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("roberta.onnx");
        java.nio.file.Files.write(onnx, org.kd4j.imports.fixtures.ExporterPatternWriter.bytes(org.kd4j.imports.fixtures.FixtureSpec.matrix()
                .stream().filter(f -> f.architecture() == org.kd4j.imports.fixtures.Architecture.ROBERTA).findFirst().orElseThrow()));
        CliRunner r = CliRunner.run("bench", "encoders", "--only", "training", "--training-encoder", onnx.toString(),
                "--cache-dir", dir.toString());
        assertEquals(Main.EXIT_INPUT, r.exitCode());
        assertTrue(r.err().contains("roberta.onnx") && r.err().contains("RoBERTa-style positions"), r.err());
    }
}
