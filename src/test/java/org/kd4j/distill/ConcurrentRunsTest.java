package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.distill.train.Progress;
import org.kd4j.distill.train.TrainingCurve;
import org.kd4j.model.TextClassifier;
import org.kd4j.run.RunDirectory;
import org.kd4j.testing.SyntheticSst2;
import org.kd4j.util.Parallelism;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Two different distillations in one JVM at the same time, each with its own parallelism, give what each gives alone:
 * nothing of a run (workers, micro-batches, progress, the native build's helpers, stdout) is a process-wide setting
 * that the other run could change. Alone and side by side, each run adds its sums in the same order, so the results
 * are bit-identical: dev metrics, every training loss, every weight. Between two parallelisms of the same run the
 * order of the sums differs (micro-batches on two workers against whole batches on one): there the first step's loss,
 * computed from the same initial weights, agrees to float rounding.
 */
class ConcurrentRunsTest {

    @TempDir static Path root;
    static Path dataA;
    static Path dataB;

    /** Whole batches on one worker. */
    static final Parallelism SEQUENTIAL = Parallelism.sequential();
    /** Two workers, and micro-batches of at most 48 padded tokens: every batch is cut into parts, on both threads. */
    static final Parallelism SPLIT = new Parallelism(1, 2, 48);

    @BeforeAll
    static void data() throws IOException {
        dataA = root.resolve("data-a");
        SyntheticSst2.write(dataA, "train", 160, 1);
        SyntheticSst2.write(dataA, "dev", 48, 2);
        dataB = root.resolve("data-b");
        SyntheticSst2.write(dataB, "train", 192, 3);
        SyntheticSst2.write(dataB, "dev", 48, 4);
    }

    /** Run A: a CNN teacher, a transformer student. */
    static ExperimentConfig runA(String name, Parallelism p) {
        return config(name, dataA, """
                teachers:
                  - name: cnn
                    model: {type: cnn, hidden: 16, ffn: 16}
                    train: {epochs: 2, learning_rate: 0.01}
                student:
                  model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32}
                  train: {epochs: 2, learning_rate: 0.005}
                """, p);
    }

    /** Run B: a transformer teacher, a BiLSTM student, another task size and objective. */
    static ExperimentConfig runB(String name, Parallelism p) {
        return config(name, dataB, """
                teachers:
                  - name: transformer
                    model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32}
                    train: {epochs: 2, learning_rate: 0.005}
                student:
                  model: {type: bilstm, hidden: 16, ffn: 16}
                  train: {epochs: 2, learning_rate: 0.01, seed: 3}
                distill: {temperature: 3, hard_weight: 0.3, soft_weight: 0.7}
                """, p);
    }

    private static ExperimentConfig config(String name, Path data, String models, Parallelism p) {
        Path file = root.resolve(name + ".yaml");
        try {
            Files.writeString(file, "task: SST-2\ndata: {dir: " + data + ", max_length: 24, batch_size: 16, train_limit: 0}\n"
                    + models + "run: {dir: " + root.resolve(name) + ", cache_dir: " + root.resolve(name + "-cache")
                    + ", students: [ensemble]}\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ConfigLoader.load(file, List.of("run.parallelism.threads_per_op=" + p.threadsPerOp(),
                "run.parallelism.workers=" + p.workers(), "run.parallelism.micro_batch_tokens=" + p.microBatchTokens()));
    }

    private static DistillationRun.Result run(ExperimentConfig config) {
        return new DistillationRun(config, "test", false, Progress.off()).run();
    }

    @Test
    void twoRunsAtTheSameTimeGiveWhatEachGivesAlone() throws Exception {
        DistillationRun.Result aloneA = run(runA("a-alone", SEQUENTIAL));
        DistillationRun.Result aloneB = run(runB("b-alone", SPLIT));

        ExecutorService pool = Executors.newFixedThreadPool(2);
        DistillationRun.Result togetherA;
        DistillationRun.Result togetherB;
        try {
            Future<DistillationRun.Result> a = pool.submit(() -> run(runA("a-together", SEQUENTIAL)));
            Future<DistillationRun.Result> b = pool.submit(() -> run(runB("b-together", SPLIT)));
            togetherA = a.get();
            togetherB = b.get();
        } finally {
            pool.shutdown();
        }

        assertSame(aloneA, togetherA, "a");
        assertSame(aloneB, togetherB, "b");
        // the two runs are different runs, and each config records its own parallelism
        assertNotEquals(aloneA.rows().get(0).dev().metrics(), aloneB.rows().get(0).dev().metrics());
        assertTrue(Files.readString(togetherB.directory().file(RunDirectory.CONFIG)).contains("micro_batch_tokens: 48"));
        assertTrue(Files.readString(togetherA.directory().file(RunDirectory.CONFIG)).contains("workers: 1"));
    }

    @Test
    void anotherParallelismChangesTheSumsOnlyByRounding() {
        TrainingCurve sequential = run(runA("a-sequential", SEQUENTIAL)).curves().get(0);
        TrainingCurve split = run(runA("a-split", SPLIT)).curves().get(0);
        double first = sequential.series(TrainingCurve.Series.TRAIN_LOSS).get(0).value();
        double firstSplit = split.series(TrainingCurve.Series.TRAIN_LOSS).get(0).value();
        // the same weights and batch; the loss summed over 2 workers' micro-batches instead of in one pass
        assertEquals(first, firstSplit, 1e-6 * Math.abs(first), "first step's loss");
        assertEquals(sequential.series(TrainingCurve.Series.TRAIN_LOSS).size(), split.series(TrainingCurve.Series.TRAIN_LOSS).size());
    }

    /** The same rows (every dev metric and loss), training curves and weights, bit for bit. */
    private static void assertSame(DistillationRun.Result alone, DistillationRun.Result together, String run) {
        assertEquals(alone.rows().size(), together.rows().size());
        for (int i = 0; i < alone.rows().size(); i++) {
            ResultRow x = alone.rows().get(i);
            ResultRow y = together.rows().get(i);
            assertEquals(x.name(), y.name());
            assertEquals(x.dev().metrics(), y.dev().metrics(), run + ": " + x.name());
            assertEquals(x.devLoss(), y.devLoss(), 0.0, run + ": " + x.name());
        }
        assertEquals(1, alone.curves().size());
        List<TrainingCurve.Point> lossesAlone = alone.curves().get(0).points();
        List<TrainingCurve.Point> lossesTogether = together.curves().get(0).points();
        assertEquals(lossesAlone, lossesTogether, run + ": training curve");
        assertTrue(lossesAlone.size() > 10, run + ": " + lossesAlone.size() + " points");
        Map<String, INDArray> wa = TextClassifier.load(alone.directory().file(RunDirectory.MODEL)).parameters();
        Map<String, INDArray> wb = TextClassifier.load(together.directory().file(RunDirectory.MODEL)).parameters();
        assertEquals(wa.keySet(), wb.keySet());
        for (String name : wa.keySet()) {
            assertArrayEquals(wa.get(name).data().asFloat(), wb.get(name).data().asFloat(), 0f, run + ": " + name);
        }
    }
}
