package org.kd4j.cli;

import org.kd4j.api.DistilledClassifier;
import org.kd4j.util.Parallelism;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --threads}, {@code --workers}, {@code --batch-size}: for the commands that classify with a trained student
 * ({@code predict}, {@code evaluate}), as the {@link DistilledClassifier.Options} it is loaded with. Training's
 * options ({@link ThreadsOption}: workers that split a batch's gradients, micro-batches) mean nothing there.
 */
final class InferenceOptions {

    @Spec(Spec.Target.MIXEE) CommandSpec command;

    @Mixin OpThreadsOption opThreads;

    @Option(names = "--workers", paramLabel = "<n>",
            description = "Batches classified at the same time: replicas of the student on kd4j's engine, session runs on"
                    + " ONNX Runtime, each of which then gets the cores divided by the workers as its threads (default and"
                    + " 0: one per core).")
    Integer workers;

    @Option(names = "--batch-size", paramLabel = "<n>",
            description = "Rows per batch, of similar lengths, each padded to its longest row (default: 32; evaluate: 64).")
    Integer batchSize;

    /**
     * Applies the threads per op to the process ({@link org.kd4j.util.Nd4jProcess}; default 1) and returns the
     * classifier's options: {@code engine}, the workers given (or one per core) and the batch size given (or
     * {@code defaultBatchSize}).
     */
    DistilledClassifier.Options apply(DistilledClassifier.Engine engine, int defaultBatchSize) {
        DistilledClassifier.Options options = options(engine, defaultBatchSize);
        opThreads.apply(Parallelism.defaults().threadsPerOp());
        return options;
    }

    /** The classifier's options (checked), without touching the process. */
    DistilledClassifier.Options options(DistilledClassifier.Engine engine, int defaultBatchSize) {
        DistilledClassifier.Options defaults = DistilledClassifier.Options.defaults();
        UsageError.require(command, workers == null || workers >= 0 && workers <= 256, "--workers", "0 (one per core) to 256",
                workers);
        UsageError.require(command, batchSize == null || batchSize >= 1 && batchSize <= 4096, "--batch-size", "1 to 4096",
                batchSize);
        opThreads.threads(); // checked before any model loads
        return defaults.withEngine(engine)
                .withWorkers(workers == null || workers == 0 ? defaults.workers() : workers)
                .withBatchSize(batchSize == null ? defaultBatchSize : batchSize);
    }
}
