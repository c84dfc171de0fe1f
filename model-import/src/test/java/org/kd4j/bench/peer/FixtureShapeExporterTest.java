package org.kd4j.bench.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.cli.CliRunner;
import org.kd4j.imports.encoder.NativeEncoders;
import org.kd4j.imports.encoder.RecognizedEncoder;

/** The benchmark's shape exporter writes an encoder that kd4j reads back with that shape; unknown shapes are usage errors. */
class FixtureShapeExporterTest {

    @Test
    void writesAnEncoderOfTheShape(@TempDir Path dir) throws Exception {
        EncoderShape shape = new EncoderShape(2, 32, 4, 64, 100, 64, 2, 2);
        Path file = dir.resolve("shape.onnx");
        ShapeExporter.find().orElseThrow().write(shape, file);
        RecognizedEncoder encoder = NativeEncoders.read(file);
        assertEquals(2, encoder.config().layers());
        assertEquals(32, encoder.config().hidden());
        assertEquals(4, encoder.config().heads());
        assertEquals(64, encoder.config().ffn());
        assertEquals(100, encoder.weights().get("emb_tokens").size(0));
    }

    @Test
    void anUnknownShapeIsAUsageError(@TempDir Path dir) {
        CliRunner r = CliRunner.run("bench", "encoders", "--shape", "huge", "--cache-dir", dir.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--shape") && r.err().contains("SEAD, MINILM") && r.err().contains("huge"), r.err());
    }
}
