package org.kd4j.bench.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Training speed of the {@link TrainingPeer} found on the class path: examples/s of full training steps
 * (forward, loss, backward, AdamW) on a fixed random batch, median/min/max of 3 timed runs of 10 steps after
 * 3 warm-up steps, and the process's resident memory. A command, not a test:
 * <pre>
 * mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.kd4j.bench.peer.PeerTrainingBench
 * </pre>
 * Settings are system properties, since exec:java passes the pom's default CLI arguments: {@code
 * -Dkd4j.bench.shape=minilm} (default), {@code sead} or {@code bilstm} (kd4j's BiLSTM student as {@code bench student
 * --model bilstm --hidden 300 --ffn 300} builds it; {@code -Dkd4j.bench.vocab=N} its word-table rows, default 30522),
 * {@code -Dkd4j.bench.lengths=32,64} (default; the batch is 32), {@code -Dkd4j.peer.threads=N} (default 2).
 */
public final class PeerTrainingBench {

    static final int BATCH = 32;
    static final int WARM_UP_STEPS = 3;
    static final int RUNS = 3;
    static final int STEPS_PER_RUN = 10;
    static final long SEED = 42;

    private PeerTrainingBench() {}

    public static void main(String[] args) throws Exception {
        // DJL extracts the natives here rather than under the home directory (surefire sets the same)
        setIfAbsent("DJL_CACHE_DIR", Path.of("target", "djl-cache").toString());
        setIfAbsent("ENGINE_CACHE_DIR", Path.of("target", "djl-cache").toString());
        String shapeName = System.getProperty("kd4j.bench.shape", "minilm");
        int vocab = Integer.getInteger("kd4j.bench.vocab", 30522);
        PeerShape shape = switch (shapeName) {
            case "minilm" -> EncoderShape.allMiniLmL6();
            case "sead" -> EncoderShape.seadStudent();
            case "bilstm" -> new BiLstmShape(vocab, 300, 300, 1, 0, 2);
            default -> throw new IllegalArgumentException(
                    "kd4j.bench.shape: expected minilm, sead or bilstm, found " + shapeName);
        };
        int[] lengths = Arrays.stream(System.getProperty("kd4j.bench.lengths", "32,64").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();

        try (TrainingPeer peer = TrainingPeer.find().orElseThrow(
                () -> new IllegalStateException("no TrainingPeer on the class path"))) {
            System.out.printf(Locale.ROOT, "%s, %s, %d intra-op threads; %d warm-up steps, median of %d runs of %d steps%n",
                    peer.name(), shape, PytorchTrainingPeer.threads(), WARM_UP_STEPS, RUNS, STEPS_PER_RUN);
            System.out.printf(Locale.ROOT, "| batch x length | examples/s (median) | min | max | RSS MiB | peak RSS MiB |%n"
                    + "|---|---:|---:|---:|---:|---:|%n");
            for (int length : lengths) {
                peer.setUp(shape, BATCH, length, SEED);
                for (int i = 0; i < WARM_UP_STEPS; i++) {
                    peer.step();
                }
                double[] rates = new double[RUNS];
                for (int run = 0; run < RUNS; run++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < STEPS_PER_RUN; i++) {
                        peer.step();
                    }
                    rates[run] = (double) BATCH * STEPS_PER_RUN / ((System.nanoTime() - start) / 1e9);
                }
                Arrays.sort(rates);
                System.out.printf(Locale.ROOT, "| %dx%d | %.1f | %.1f | %.1f | %d | %d |%n", BATCH, length,
                        rates[RUNS / 2], rates[0], rates[RUNS - 1], memoryMib("VmRSS"), memoryMib("VmHWM"));
            }
        }
    }

    /** A memory line of /proc/self/status in MiB; -1 where there is none (not Linux). */
    static long memoryMib(String field) throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
