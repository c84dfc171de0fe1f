package org.kd4j.cli;

import java.util.ArrayList;
import java.util.List;
import org.kd4j.KdException;
import org.kd4j.util.Nd4jProcess;
import org.kd4j.util.Parallelism;
import picocli.CommandLine.Option;

/**
 * {@code --threads}, {@code --workers}, {@code --micro-batch-tokens}: for the commands that run models. Each option
 * given overrides that part of the run's {@link Parallelism} ({@code run.parallelism} in a preset); one not given
 * leaves the preset's value, whose default is the options' default.
 */
final class ThreadsOption {

    @Option(names = "--threads", paramLabel = "<n>",
            description = "Threads inside each ND4J op, for the whole process (default: 1, measured faster than 2 on 2 cores;"
                    + " 0: ND4J's own default).")
    Integer threads;

    @Option(names = "--workers", paramLabel = "<n>",
            description = "Training workers: batches of at least n x 1024 tokens are split over n replicas of the model"
                    + " that compute their parts' gradients at the same time (default and 0: one per core, at most 2).")
    Integer workers;

    @Option(names = "--micro-batch-tokens", paramLabel = "<n>",
            description = "Split training batches into parts of at most n padded tokens computed in turn, gradients added"
                    + " up: bounds activation memory (default 0: no limit).")
    Integer microBatchTokens;

    private void check() {
        if (threads != null && threads < 0) {
            throw new KdException("--threads must be >= 0, got " + threads);
        }
        if (workers != null && workers < 0) {
            throw new KdException("--workers must be >= 0, got " + workers);
        }
        if (microBatchTokens != null && microBatchTokens < 0) {
            throw new KdException("--micro-batch-tokens must be >= 0, got " + microBatchTokens);
        }
    }

    /** {@code base} with the options given. */
    Parallelism over(Parallelism base) {
        check();
        Parallelism p = base;
        if (threads != null) {
            p = p.withThreadsPerOp(threads);
        }
        if (workers != null) {
            p = p.withWorkers(workers == 0 ? Parallelism.defaultWorkers() : workers);
        }
        if (microBatchTokens != null) {
            p = p.withMicroBatchTokens(microBatchTokens);
        }
        return p;
    }

    /**
     * {@code base} with the options given, its threads per op applied to the process ({@link Nd4jProcess}): what a
     * command that runs models does first.
     */
    Parallelism apply(Parallelism base) {
        Parallelism p = over(base);
        Nd4jProcess.threadsPerOp(p.threadsPerOp());
        return p;
    }

    /** The options given, as {@code --set run.parallelism.*} overrides of a preset. */
    List<String> overrides() {
        check();
        List<String> sets = new ArrayList<>();
        if (threads != null) {
            sets.add("run.parallelism.threads_per_op=" + threads);
        }
        if (workers != null) {
            sets.add("run.parallelism.workers=" + (workers == 0 ? Parallelism.defaultWorkers() : workers));
        }
        if (microBatchTokens != null) {
            sets.add("run.parallelism.micro_batch_tokens=" + microBatchTokens);
        }
        return sets;
    }
}
