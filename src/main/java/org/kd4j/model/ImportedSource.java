package org.kd4j.model;

/**
 * The ONNX encoder an {@link ModelType#IMPORTED} model was built from: where it is and what it hashed to, so that
 * loading a model file rebuilds the graph from the same export (or says that the file changed).
 *
 * @param path   the ONNX file (absolute)
 * @param sha256 its SHA-256, 64 lower-case hex digits
 */
public record ImportedSource(String path, String sha256) {

    public ImportedSource {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("source path: expected an ONNX file, got " + path);
        }
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("source sha256: expected 64 hex digits, got " + sha256);
        }
    }
}
