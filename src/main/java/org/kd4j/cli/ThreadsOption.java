package org.kd4j.cli;

import org.kd4j.util.Threads;
import picocli.CommandLine.Option;

/** {@code --threads}: for the commands that run models. */
final class ThreadsOption {

    @Option(names = "--threads", defaultValue = "1", paramLabel = "<n>",
            description = "Threads inside each ND4J op (default: ${DEFAULT-VALUE}, measured faster than 2 on 2 cores;"
                    + " 0: ND4J's own default).")
    int threads;

    void apply() {
        if (threads < 0) {
            throw new org.kd4j.KdException("--threads must be >= 0, got " + threads);
        }
        Threads.configure(threads);
    }
}
