package org.kd4j.model;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Reads a student exported as ONNX ({@code kd4j export}) back into a native model. The core does not depend on the
 * ONNX reading code: kd4j's model import registers the implementation through {@link ServiceLoader}, as for
 * {@link ImportedGraphLoader}.
 */
public interface ExportedModelReader {

    /**
     * A model read from a file.
     *
     * @param model    the native model holding the file's weights
     * @param metadata the file's {@code metadata_props}
     */
    record Read(TextClassifier model, Map<String, String> metadata) {
        public Read {
            metadata = Map.copyOf(metadata);
        }
    }

    /**
     * @throws org.kd4j.KdException naming the file when it cannot be read or is not a student layout kd4j knows
     */
    Read read(Path onnx);

    /** The reader on the classpath, if any. */
    static Optional<ExportedModelReader> find() {
        return ServiceLoader.load(ExportedModelReader.class).findFirst();
    }
}
