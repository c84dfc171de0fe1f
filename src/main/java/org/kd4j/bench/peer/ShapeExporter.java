package org.kd4j.bench.peer;

import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Writes a BERT-layout ONNX encoder of a given shape with random weights, in the PyTorch exporter's pattern, so that a
 * shape kd4j has no pretrained export of (the SEAD student) can be run by ONNX Runtime and by kd4j from the same file.
 * Benchmark-only: the implementation lives in test scope and is found through {@link ServiceLoader}.
 */
public interface ShapeExporter {

    /** Writes the encoder to {@code file} (outputs {@code last_hidden_state}; inputs ids, mask, token types). */
    void write(EncoderShape shape, Path file) throws Exception;

    static Optional<ShapeExporter> find() {
        return ServiceLoader.load(ShapeExporter.class).findFirst();
    }
}
