package org.kd4j.cli;

import org.kd4j.util.Nd4jProcess;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --threads}: the threads inside each ND4J op, one setting for the whole process. Every command that runs
 * models takes it, alone ({@code export}) or within {@link ThreadsOption} (training) or {@link InferenceOptions}.
 */
final class OpThreadsOption {

    @Spec(Spec.Target.MIXEE) CommandSpec command;

    @Option(names = "--threads", paramLabel = "<n>",
            description = "Threads inside each ND4J op, for the whole process (default: 1, measured faster than 2 on 2 cores;"
                    + " 0: ND4J's own default).")
    Integer threads;

    /** The option's value, checked; null when it was not given. */
    Integer threads() {
        UsageError.require(command, threads == null || threads >= 0, "--threads", "0 (ND4J's own default) or more", threads);
        return threads;
    }

    /** Applies the threads per op given, or else {@code fallback}, to the process ({@link Nd4jProcess}). */
    void apply(int fallback) {
        Integer given = threads();
        Nd4jProcess.threadsPerOp(given == null ? fallback : given);
    }
}
