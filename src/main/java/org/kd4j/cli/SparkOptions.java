package org.kd4j.cli;

import org.kd4j.KdException;
import picocli.CommandLine.Option;

/**
 * {@code --spark} and {@code --master}: for the commands that can run their work on Apache Spark ({@code score},
 * {@code sweep}). Without {@code --master} the master is the one {@code spark-submit} set (the system property
 * {@code spark.master}), else {@code local[*]}, so the same command works on a laptop and under {@code spark-submit}.
 */
final class SparkOptions {

    @Option(names = "--spark", description = "Run on Apache Spark (see the command's description for what runs where).")
    boolean spark;

    @Option(names = "--master", paramLabel = "<master>",
            description = "Spark master with --spark: local[*] (the default, unless spark-submit gave one), local[N],"
                    + " spark://host:port, yarn.")
    String master;

    /** Whether {@code --spark} was given. */
    boolean enabled() {
        return spark;
    }

    /** Whether {@code --master} was given. */
    boolean masterGiven() {
        return master != null;
    }

    /** The master: the option, else spark-submit's (it sets {@code spark.master}), else {@code local[*]}. */
    String master() {
        return master != null ? master : System.getProperty("spark.master", "local[*]");
    }

    /** Refuses {@code --master} without {@code --spark}, naming the options. */
    void requireSparkFor(String options) {
        if (!spark) {
            throw new KdException(options + ": only with --spark");
        }
    }
}
