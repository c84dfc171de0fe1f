package org.kd4j.cli;

import org.kd4j.util.Threads;
import picocli.CommandLine.Option;

/** {@code --threads}: for the commands that run models. */
final class ThreadsOption {

    @Option(names = "--threads", defaultValue = "1", paramLabel = "<n>",
            description = "Threads inside each ND4J op (default: ${DEFAULT-VALUE}, measured faster than 2 on 2 cores;"
                    + " 0: ND4J's own default).")
    int threads;

    @Option(names = "--workers", defaultValue = "0", paramLabel = "<n>",
            description = "Training workers: batches of at least n x 1024 tokens are split over n replicas of the model"
                    + " that compute their parts' gradients at the same time (default 0: one per core, at most 2).")
    int workers;

    @Option(names = "--micro-batch-tokens", defaultValue = "0", paramLabel = "<n>",
            description = "Split training batches into parts of at most n padded tokens computed in turn, gradients added"
                    + " up: bounds activation memory (default 0: no limit).")
    int microBatchTokens;

    void apply() {
        if (threads < 0) {
            throw new org.kd4j.KdException("--threads must be >= 0, got " + threads);
        }
        if (workers < 0) {
            throw new org.kd4j.KdException("--workers must be >= 0, got " + workers);
        }
        if (microBatchTokens < 0) {
            throw new org.kd4j.KdException("--micro-batch-tokens must be >= 0, got " + microBatchTokens);
        }
        Threads.configure(threads);
        Threads.setMicroBatchTokens(microBatchTokens);
        Threads.setTrainingWorkers(workers == 0 ? Math.min(2, Runtime.getRuntime().availableProcessors()) : workers);
    }
}
