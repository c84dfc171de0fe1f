package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.model.InputDropout;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Parallelism;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Two workers splitting each batch compute the whole batch's loss and gradients (up to float rounding), step after
 * step while both train, for a transformer and a BiLSTM.
 */
class TrainingWorkersTest {

    /** Long batches (>= 2 x 1,024 padded tokens of a hidden-256 model) split over two workers. */
    @Test
    void twoWorkersOnLongBatches() {
        EncodedDataset data = SyntheticTask.make(48, 3);
        check(data, 2, 0, 160, 256);
    }

    /** Micro-batches of at most 40 tokens, in turn on one worker and shared by two. */
    @Test
    void microBatchesOnOneAndTwoWorkers() {
        EncodedDataset data = SyntheticTask.make(96, 3);
        check(data, 1, 40, 0, 16);
        check(data, 2, 40, 0, 16);
    }

    /**
     * A regression task (STS-B: every label id -1, a gold score per row) split into micro-batches: each part carries its
     * share of the squared error. Before the fix a split regression batch had no labeled row and so no loss at all.
     */
    @Test
    void microBatchesOfARegressionTask() {
        EncodedDataset classes = SyntheticTask.make(96, 3);
        int[] none = new int[classes.size()];
        java.util.Arrays.fill(none, -1);
        double[] scores = new double[classes.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = classes.labels()[i] == 1 ? 4.5 : 0.5;
        }
        check(new EncodedDataset(org.kd4j.data.glue.GlueTask.STSB, classes.encodings(), none, scores, classes.maxLength()),
                1, 40, 0, 16);
    }

    /**
     * With dropout, each part of a split batch reads its own rows of the whole batch's mask: two workers on micro-batches
     * give the unsplit batch's loss and gradients at every step, and those differ from the gradients without dropout.
     */
    @Test
    void dropoutMasksDoNotDependOnHowABatchIsSplit() {
        EncodedDataset data = SyntheticTask.make(96, 3);
        InputDropout dropout = new InputDropout(0.3, 17);
        int padId = SyntheticTask.TOKENIZER.padId();
        for (ModelType type : new ModelType[] {ModelType.TRANSFORMER, ModelType.BILSTM}) {
            ModelConfig config = ModelConfig.of(type, 1, 16, 2, 32, 256, Pooling.MEAN);
            TextClassifier model = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), 2, 5);
            TextClassifier mirror = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), 2, 5);
            TextClassifier plain = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), 2, 5);
            java.util.function.Function<String, LossTargets> targets = name -> new LossTargets(name, null,
                    org.kd4j.config.DistillConfig.defaults(), false, 2, data.size());
            List<int[]> order = new BatchPlanner(16, true, 4, 7).trainingOrder(data.lengths(), 0);
            double largestDropoutEffect = 0;
            try (GradientEngine one = new GradientEngine("one", model, targets.apply("one"), data, padId, Parallelism.sequential(),
                    true, 1.0, dropout);
                 GradientEngine two = new GradientEngine("two", mirror, targets.apply("two"), data, padId,
                         new Parallelism(1, 2, 40), true, 1.0, dropout);
                 GradientEngine without = new GradientEngine("without", plain, targets.apply("without"), data, padId,
                         Parallelism.sequential(), true, 1.0, InputDropout.NONE)) {
                for (int i = 0; i < order.size(); i++) {
                    Batch batch = Batch.of(data, order.get(i), 0, padId);
                    assertTrue(two.parts(batch) > 1, "the batch is split: " + batch.size() + " x " + batch.length());
                    long step = 100 + i;
                    GradientEngine.BatchGradients split = copy(two.gradients(batch, 1.0, step));
                    GradientEngine.BatchGradients noDropout = copy(without.gradients(batch, 1.0, step));
                    GradientEngine.BatchGradients whole = one.gradients(batch, 1.0, step);
                    String where = type + " step " + step + " (" + batch.size() + " x " + batch.length() + ")";
                    assertEquals(whole.loss(), split.loss(), 1e-6 * Math.max(1, Math.abs(whole.loss())), where + ": loss");
                    for (String name : whole.weights().keySet()) {
                        assertClose(whole.weights().get(name), split.weights().get(name), where + ": " + name);
                    }
                    assertClose(whole.embeddings(), split.embeddings(), where + ": embeddings");
                    largestDropoutEffect = Math.max(largestDropoutEffect,
                            whole.embeddings().castTo(DataType.DOUBLE).sub(noDropout.embeddings().castTo(DataType.DOUBLE))
                                    .amaxNumber().doubleValue());
                }
            }
            assertTrue(largestDropoutEffect > 1e-4, type + ": dropout changed no gradient (" + largestDropoutEffect + ")");
        }
    }

    private static void check(EncodedDataset data, int workerCount, int microTokens, int padTo, int hidden) {
        int outputs = data.task().isRegression() ? 1 : 2;
        for (ModelType type : new ModelType[] {ModelType.TRANSFORMER, ModelType.BILSTM}) {
            ModelConfig config = ModelConfig.of(type, 1, hidden, 2, 32, 256, Pooling.MEAN);
            TextClassifier model = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), outputs, 5);
            TextClassifier mirror = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), outputs, 5);
            List<Batch> batches = new ArrayList<>();
            for (int[] indices : new BatchPlanner(16, true, 4, 7).trainingOrder(data.lengths(), 0)) {
                batches.add(Batch.of(data, indices, padTo, SyntheticTask.TOKENIZER.padId()));
            }
            // the one-worker trainer trains `model`; `mirror` gets its weights before each comparison
            try (StepTimer one = StepTimer.of(model, data, Parallelism.sequential());
                 StepTimer two = StepTimer.of(mirror, data, new Parallelism(1, workerCount, microTokens))) {
                for (int i = 0; i < batches.size(); i++) {
                    Batch batch = batches.get(i);
                    assertTrue(two.parts(batch) > 1, "the batch is split: " + batch.size() + " x " + batch.length());
                    model.parameters().forEach((name, value) -> mirror.parameters().get(name).assign(value));
                    GradientEngine.BatchGradients split = copy(two.gradients(batch));
                    GradientEngine.BatchGradients whole = one.gradients(batch);
                    String where = type + " step " + i + " (" + batch.size() + " x " + batch.length() + ")";
                    assertTrue(whole.loss() > 0, where + ": loss " + whole.loss());
                    assertEquals(whole.loss(), split.loss(), 1e-6 * Math.max(1, Math.abs(whole.loss())), where + ": loss");
                    assertEquals(whole.weights().keySet(), split.weights().keySet());
                    for (String name : whole.weights().keySet()) {
                        assertClose(whole.weights().get(name), split.weights().get(name), where + ": " + name);
                    }
                    assertClose(whole.embeddings(), split.embeddings(), where + ": embeddings");
                    one.step(batch);
                }
            }
            assertTrue(batches.size() >= 3, "batches " + batches.size());
        }
    }

    private static GradientEngine.BatchGradients copy(GradientEngine.BatchGradients g) {
        java.util.Map<String, INDArray> weights = new java.util.LinkedHashMap<>();
        g.weights().forEach((k, v) -> weights.put(k, v.dup()));
        return new GradientEngine.BatchGradients(g.loss(), weights, g.embeddings().dup(), true);
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(e.shape());
        double scale = Math.max(1e-3, e.amaxNumber().doubleValue());
        double diff = e.sub(a).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-4 * scale, what + ": max |difference| " + diff + " (largest gradient " + scale + ")");
    }
}
