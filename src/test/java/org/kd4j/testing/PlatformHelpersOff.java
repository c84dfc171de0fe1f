package org.kd4j.testing;

import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a reference graph holding M2.1's {@code lstmLayer} with ND4J's platform helpers (oneDNN kernels) off: the
 * oneDNN build fails in that op ("object is not initialized"). The switch is ND4J's, one for the whole process, so it
 * lives here in the tests (which run one at a time) and not in the library: kd4j's own BiLSTM layer
 * ({@code model/BiLstm}) never runs {@code lstmLayer}, only the whole-graph export ({@code TextClassifier.exportSameDiff})
 * holds it, and whoever runs that graph in a oneDNN process switches the helpers off themselves.
 */
public final class PlatformHelpersOff {

    private PlatformHelpersOff() {}

    /** {@code action} with the helpers off; the previous setting is put back after it. */
    public static <T> T call(Supplier<T> action) {
        boolean before = Nd4j.getEnvironment().helpersAllowed();
        Nd4j.getEnvironment().allowHelpers(false);
        try {
            return action.get();
        } finally {
            Nd4j.getEnvironment().allowHelpers(before);
        }
    }
}
