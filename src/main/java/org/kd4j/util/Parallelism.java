package org.kd4j.util;

import org.kd4j.KdException;

/**
 * How one run uses the cores: a value passed to whatever trains or scores a model (the trainer, {@code
 * TextClassifier.logits}), never read from a global, so that runs in one JVM (a notebook, parallel sweep trials, a
 * Spark executor) each keep their own. In a preset it is {@code run.parallelism}; the CLI's {@code --threads},
 * {@code --workers} and {@code --micro-batch-tokens} override it, and the resolved value is written with the run's
 * config. See {@code docs/performance.md} for the measurements behind the defaults.
 *
 * <p><b>Threads per op is one setting per process.</b> libnd4j has one thread pool size and OpenBLAS one thread
 * count for the whole JVM. The library never changes them: the entry points (the CLI, {@code
 * DistilledClassifier.load}) apply {@link #threadsPerOp} once through {@link Nd4jProcess}; runs started in the same
 * JVM afterwards share the setting in force, whatever their own value says. Workers and micro-batches are per run.
 *
 * @param threadsPerOp threads inside each ND4J op (libnd4j's pool and OpenBLAS; 0: ND4J's own default). One was
 *     measured faster than two for these models on 2 cores
 * @param workers training and inference workers: replicas of the model computing parts of a long batch at the same
 *     time (1: no replicas)
 * @param microBatchTokens largest part of a training batch, in padded tokens, computed at once (0: no limit; larger
 *     batches are cut into micro-batches whose gradients are added up, which bounds a step's activation memory)
 */
public record Parallelism(int threadsPerOp, int workers, int microBatchTokens) {

    /**
     * A batch is split over workers only when each part gets at least this many padded tokens of a hidden-256 model:
     * short batches (SST-2 with dynamic padding, about 32 x 25 tokens) measured no gain. Wider models do more work per
     * token (the projections grow with hidden^2), so {@link #worthSplitting} scales the bar by (256 / hidden)^2.
     */
    public static final int MIN_TOKENS_PER_WORKER = 1024;
    private static final int REFERENCE_HIDDEN = 256;
    private static final int MAX_WORKERS = 256;

    public Parallelism {
        if (threadsPerOp < 0) {
            throw new KdException("parallelism.threads_per_op = " + threadsPerOp + " is out of range; allowed >= 0 (0: ND4J's default)");
        }
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new KdException("parallelism.workers = " + workers + " is out of range; allowed 1.." + MAX_WORKERS);
        }
        if (microBatchTokens < 0) {
            throw new KdException("parallelism.micro_batch_tokens = " + microBatchTokens + " is out of range; allowed >= 0 (0: no limit)");
        }
    }

    /** One thread per op, {@link #defaultWorkers()} workers, whole batches: the CLI's defaults. */
    public static Parallelism defaults() {
        return new Parallelism(1, defaultWorkers(), 0);
    }

    /** One thread per op, one worker, whole batches: everything on the caller's thread. */
    public static Parallelism sequential() {
        return new Parallelism(1, 1, 0);
    }

    /** One worker per core, at most 2 (more measured no gain for these models). */
    public static int defaultWorkers() {
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    public Parallelism withThreadsPerOp(int threads) {
        return new Parallelism(threads, workers, microBatchTokens);
    }

    public Parallelism withWorkers(int count) {
        return new Parallelism(threadsPerOp, count, microBatchTokens);
    }

    public Parallelism withMicroBatchTokens(int tokens) {
        return new Parallelism(threadsPerOp, workers, tokens);
    }

    /**
     * Whether {@code tokens} padded tokens of a model of width {@code hidden} carry enough work to split over
     * {@code parts} workers: each part must hold at least the work of {@link #MIN_TOKENS_PER_WORKER} tokens at hidden 256.
     */
    public static boolean worthSplitting(long tokens, int hidden, int parts) {
        double perToken = (double) hidden * hidden / ((double) REFERENCE_HIDDEN * REFERENCE_HIDDEN);
        return parts > 1 && tokens * perToken >= (double) MIN_TOKENS_PER_WORKER * parts;
    }
}
