package org.kd4j.imports.parity;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs an ONNX file in a reference runtime (ONNX Runtime). kd4j keeps ONNX Runtime out of its runtime
 * dependencies: the implementation lives in the test classpath and is found through {@link ServiceLoader}, so parity
 * reports are available in tests and from {@code mvn exec:java -Dexec.classpathScope=test}.
 */
public interface ReferenceRuntime {

    String name();

    /**
     * Runs the model.
     *
     * @param model   the original ONNX file
     * @param inputs  INT64 inputs by the file's own input names
     * @param outputs the file's own output names to return
     */
    Map<String, INDArray> run(Path model, Map<String, INDArray> inputs, List<String> outputs) throws Exception;

    /** The first reference runtime on the classpath, if any. */
    static Optional<ReferenceRuntime> find() {
        return ServiceLoader.load(ReferenceRuntime.class).findFirst();
    }
}
