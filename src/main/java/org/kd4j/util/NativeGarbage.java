package org.kd4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Frees the native memory of arrays nobody references any more, between the phases of a run.
 *
 * <p>ND4J releases an array's off-heap buffer only when the garbage collector collects its Java object. A run's heap
 * is small and churns little, so collections are rare and the buffers of a finished phase (a fine-tuned teacher's
 * weights and optimiser moments, its inference sessions) stay resident while the next phase allocates its own: the
 * main job peaked at 8.5 GB that way. Asking for a collection when a phase ends returns them before the next begins.
 */
public final class NativeGarbage {

    private static final Logger LOG = LogManager.getLogger(NativeGarbage.class);

    private NativeGarbage() {}

    /** Collects now; logs the resident memory before and after at debug level. */
    public static void collect(String phase) {
        long before = residentKb();
        System.gc();
        System.runFinalization();
        System.gc();
        LOG.debug("after {}: resident {} MB -> {} MB", phase, before / 1024, residentKb() / 1024);
    }

    /** The process's resident set (VmRSS) in KB; 0 where /proc is not available. */
    public static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
