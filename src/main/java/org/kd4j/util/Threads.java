package org.kd4j.util;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Threads used inside each ND4J operation (libnd4j's pool and OpenBLAS). On the project's 2-core machines one
 * thread per op was measured faster than two for these models (the main job's students trained 2x faster; see
 * the README), so the CLI defaults to 1; {@code --threads 0} keeps ND4J's own default.
 */
public final class Threads {

    private static final Logger LOG = LogManager.getLogger(Threads.class);

    private static volatile int trainingWorkers = 1;
    private static volatile int configured;
    private static volatile int microBatchTokens;

    private Threads() {}

    /** The threads per op last set by {@link #configure} (0: never set, ND4J's default). */
    public static int configured() {
        return configured;
    }

    /**
     * Largest part of a training batch, in padded tokens, computed at once (0: no limit): larger batches are split
     * into micro-batches whose gradients are added up, which bounds the memory a step's activations take.
     */
    public static int microBatchTokens() {
        return microBatchTokens;
    }

    public static void setMicroBatchTokens(int tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("micro-batch tokens must be >= 0, got " + tokens);
        }
        microBatchTokens = tokens;
    }

    /** Training workers (replicas computing parts of each batch at the same time); 1: no replicas. */
    public static int trainingWorkers() {
        return trainingWorkers;
    }

    public static void setTrainingWorkers(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("training workers must be >= 1, got " + workers);
        }
        trainingWorkers = workers;
    }

    /** Sets the threads per op; 0 leaves ND4J's defaults. */
    public static void configure(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        if (threads == 0) {
            return;
        }
        configured = threads;
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        LOG.debug("ND4J threads per op: {}", threads);
    }
}
