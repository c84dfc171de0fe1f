package org.kd4j.util;

import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's settings that hold for the whole process: the threads inside each op (libnd4j's pool and OpenBLAS's thread
 * count). Only entry points call this (the CLI once per command, {@code DistilledClassifier.load}, a notebook helper),
 * never the library while a run may be going on in another thread: a change here reaches every model of the JVM. The
 * native build, the other process-wide choice, is {@link NativeBuild}'s.
 */
public final class Nd4jProcess {

    private static final Logger LOG = LogManager.getLogger(Nd4jProcess.class);

    private Nd4jProcess() {}

    /** Sets the threads per op; 0 leaves ND4J's setting as it is. */
    public static void threadsPerOp(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads per op must be >= 0, got " + threads);
        }
        if (threads == 0) {
            return;
        }
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        LOG.debug("ND4J threads per op: {}", threads);
    }

    /** The threads per op ND4J runs with now. */
    public static int threadsPerOp() {
        return Nd4j.getEnvironment().maxThreads();
    }

    /**
     * Runs {@code work} with {@code threads} per op and puts the previous setting back: for a benchmark's all-cores
     * figure, from a command, while nothing else runs.
     */
    public static <T> T withThreadsPerOp(int threads, Supplier<T> work) {
        int before = threadsPerOp();
        threadsPerOp(threads);
        try {
            return work.get();
        } finally {
            threadsPerOp(before);
        }
    }
}
