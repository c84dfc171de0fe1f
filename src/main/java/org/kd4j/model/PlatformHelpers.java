package org.kd4j.model;

import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs code with ND4J's platform helpers (oneDNN kernels in the oneDNN native build) switched off. The oneDNN build
 * of M2.1 fails in {@code lstmLayer} ("object is not initialized"), so graphs holding it (a BiLSTM as one SameDiff
 * graph, {@link TextClassifier#exportSameDiff}; kd4j's own BiLSTM layer does not use it, see {@link BiLstm}) run on
 * the generic kernels while everything else keeps oneDNN. The switch is process-wide: it stays off while any such run is active (other models
 * running at the same time then use the generic kernels too, which is correct, only slower).
 */
public final class PlatformHelpers {

    private static int withoutHelpers;

    private PlatformHelpers() {}

    public static <T> T without(Supplier<T> action) {
        synchronized (PlatformHelpers.class) {
            if (withoutHelpers++ == 0) {
                Nd4j.getEnvironment().allowHelpers(false);
            }
        }
        try {
            return action.get();
        } finally {
            synchronized (PlatformHelpers.class) {
                if (--withoutHelpers == 0) {
                    Nd4j.getEnvironment().allowHelpers(true);
                }
            }
        }
    }
}
