package org.kd4j.spark;

import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.kd4j.KdException;

/**
 * Starts kd4j's Spark sessions: local by default ({@value #DEFAULT_MASTER}, every core of this machine), or any master
 * Spark accepts ({@code local[2]}, {@code local[2,3]} for 2 threads and up to 3 attempts per task,
 * {@code spark://host:7077}, {@code yarn}).
 *
 * <p>A JVM holds one Spark context. Asking for a master other than that of the session already running is an error
 * rather than Spark's silent reuse of the running one. The caller stops the session ({@link SparkSession#stop()}).
 */
public final class SparkSessions {

    /** The master when none is given: the same command runs on a laptop. */
    public static final String DEFAULT_MASTER = "local[*]";

    /** The master URLs Spark 4 accepts (its SparkContext logs a stack trace for any other before it fails). */
    private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
            "local(\\[(\\*|[1-9]\\d*)(,[1-9]\\d*)?])?|local-cluster\\[[1-9]\\d*,\\s*[1-9]\\d*,\\s*[1-9]\\d*]|yarn"
                    + "|(spark|k8s)://\\S+");

    private SparkSessions() {}

    /** A session on {@value #DEFAULT_MASTER}. */
    public static SparkSession local() {
        return start(DEFAULT_MASTER, Map.of());
    }

    /**
     * A session on {@code master} with extra Spark settings ({@code spark.*} keys). Local masters bind the driver to the
     * loopback address and run without the web UI (tests, laptops); on a cluster those are the cluster's to choose.
     *
     * @throws KdException if a session on another master is already running in this JVM
     */
    public static SparkSession start(String master, Map<String, String> settings) {
        if (master == null || master.isBlank()) {
            throw new KdException("spark master: empty (expected e.g. " + DEFAULT_MASTER + ", local[2], spark://host:7077, yarn)");
        }
        if (!MASTER.matcher(master).matches()) {
            throw new KdException("spark master '" + master + "': expected local, local[N], local[*], local[N,F] (F attempts a"
                    + " task), local-cluster[N,C,M], spark://host:port, yarn or k8s://host:port");
        }
        Optional<SparkSession> running = Optional.ofNullable(SparkSession.getDefaultSession().getOrElse(() -> null));
        if (running.isPresent() && !running.get().sparkContext().master().equals(master)) {
            throw new KdException("spark master " + master + ": a session on " + running.get().sparkContext().master()
                    + " is already running in this JVM; stop it first");
        }
        SparkSession.Builder builder = SparkSession.builder().appName("kd4j").master(master);
        if (master.startsWith("local")) {
            builder.config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false");
        }
        settings.forEach(builder::config);
        return builder.getOrCreate();
    }
}
