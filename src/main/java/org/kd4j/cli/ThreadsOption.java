package org.kd4j.cli;

import java.util.ArrayList;
import java.util.List;
import org.kd4j.util.Nd4jProcess;
import org.kd4j.util.Parallelism;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --threads}, {@code --workers}, {@code --micro-batch-tokens}: for the commands that run models. Each option
 * given overrides that part of the run's {@link Parallelism} ({@code run.parallelism} in a preset); one not given
 * leaves the preset's value, whose default is the options' default.
 */
final class ThreadsOption {

    @Spec(Spec.Target.MIXEE) CommandSpec command;

    @Mixin OpThreadsOption opThreads;

    @Option(names = "--workers", paramLabel = "<n>",
            description = "Training workers: batches of at least n x 1024 tokens are split over n replicas of the model"
                    + " that compute their parts' gradients at the same time (default and 0: one per core, at most 2).")
    Integer workers;

    @Option(names = "--micro-batch-tokens", paramLabel = "<n>",
            description = "Split training batches into parts of at most n padded tokens computed in turn, gradients added"
                    + " up: bounds activation memory (default 0: no limit).")
    Integer microBatchTokens;

    /** The threads per op given (checked), or null. */
    private Integer check() {
        UsageError.require(command, workers == null || workers >= 0, "--workers", "0 (one per core, at most 2) or more", workers);
        UsageError.require(command, microBatchTokens == null || microBatchTokens >= 0, "--micro-batch-tokens",
                "0 (no limit) or more", microBatchTokens);
        return opThreads.threads();
    }

    /** {@code base} with the options given. */
    Parallelism over(Parallelism base) {
        Integer threads = check();
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
        Integer threads = check();
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
