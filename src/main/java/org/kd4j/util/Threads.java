package org.kd4j.util;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How models use the cores, set once by the CLI: threads inside each ND4J operation (libnd4j's pool and OpenBLAS;
 * one was measured faster than two for these models on 2 cores, so the CLI defaults to 1), training/inference workers
 * (model replicas on parts of a long batch) and micro-batches. See {@code docs/performance.md}.
 */
public final class Threads {

    private static final Logger LOG = LogManager.getLogger(Threads.class);

    /**
     * A batch is split over workers only when each part gets at least this many padded tokens of a hidden-256 model:
     * short batches (SST-2 with dynamic padding, about 32 x 25 tokens) measured no gain. Wider models do more work per
     * token (the projections grow with hidden^2), so {@link #worthSplitting} scales the bar by (256 / hidden)^2.
     */
    public static final int MIN_TOKENS_PER_WORKER = 1024;
    private static final int REFERENCE_HIDDEN = 256;

    /**
     * Whether {@code tokens} padded tokens of a model of width {@code hidden} carry enough work to split over
     * {@code parts} workers: each part must hold at least the work of {@link #MIN_TOKENS_PER_WORKER} tokens at hidden 256.
     */
    public static boolean worthSplitting(long tokens, int hidden, int parts) {
        double perToken = (double) hidden * hidden / ((double) REFERENCE_HIDDEN * REFERENCE_HIDDEN);
        return parts > 1 && tokens * perToken >= (double) MIN_TOKENS_PER_WORKER * parts;
    }

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
