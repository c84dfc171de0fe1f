package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.Encoding;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.NativeGarbage;

/**
 * Training a BiLSTM keeps its resident memory flat. With M2.1's {@code lstmLayer} in the graph, every step lost the
 * working arrays of its backward op ({@code lstmLayer_bp}) and of {@code reverse_sequence}: 13.7 MB per step at this
 * size (64 x 16 tokens, 128 units per direction), 550 MB over the 40 measured steps, where the layer outside the graph
 * ({@link org.kd4j.model.BiLstm}) measured at most +26 MB. The bound lies between the two, far from both; collections
 * every 10 steps keep the garbage waiting to be collected small.
 */
class BiLstmMemoryTest {

    private static final int BATCH = 64;
    private static final int LENGTH = 16;
    private static final int WARM_UP = 10;
    private static final int STEPS = 40;
    private static final long BOUND_MB = 150;

    /** One layer, and two: the second keeps the first's states and its input gradient for each step's backward. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void residentMemoryStaysFlatOverTrainingSteps(int layers) {
        int vocab = 100;
        EncodedDataset data = data(4, vocab);
        List<Batch> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            int[] rows = new int[BATCH];
            for (int r = 0; r < BATCH; r++) {
                rows[r] = b * BATCH + r;
            }
            batches.add(Batch.of(data, rows, 0, 0));
        }
        TextClassifier model = TextClassifier.create(new org.kd4j.model.BiLstmConfig(128, 128, 0, layers), vocab, 2, 3);
        long baseline = 0;
        long[] readings = new long[STEPS / 10 + 1];
        try (StepTimer timer = StepTimer.of(model, data, org.kd4j.util.Parallelism.sequential())) {
            for (int step = 1; step <= WARM_UP + STEPS; step++) {
                timer.step(batches.get(step % batches.size()));
                if (step >= WARM_UP && step % 10 == 0) {
                    System.gc();
                    long mb = NativeGarbage.residentKb() / 1024;
                    if (step == WARM_UP) {
                        baseline = mb;
                    }
                    readings[(step - WARM_UP) / 10] = mb - baseline;
                }
            }
        }
        long growth = readings[readings.length - 1];
        assertTrue(NativeGarbage.residentKb() == 0 || growth < BOUND_MB, "resident memory grew by " + growth + " MB over "
                + STEPS + " " + layers + "-layer BiLSTM training steps (bound " + BOUND_MB + " MB); every 10 steps: " + java.util.Arrays.toString(readings));
    }

    /** {@code batches} x {@link #BATCH} rows of random ids; each batch's rows 0..3 tokens shorter than {@link #LENGTH}. */
    private static EncodedDataset data(int batches, int vocab) {
        SplittableRandom random = new SplittableRandom(7);
        List<Encoding> encodings = new ArrayList<>();
        int n = batches * BATCH;
        int[] labels = new int[n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            int length = i % BATCH == 0 ? LENGTH : LENGTH - random.nextInt(4);
            int[] ids = random.ints(length, 1, vocab).toArray();
            encodings.add(new Encoding(ids, new int[length]));
            labels[i] = random.nextInt(2);
            scores[i] = Double.NaN;
        }
        return new EncodedDataset(GlueTask.SST2, encodings, labels, scores, LENGTH);
    }
}
