package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kd4j.KdException;
import org.kd4j.config.DistillConfig;
import org.kd4j.config.SoftLoss;
import org.kd4j.config.WeightingScheme;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.distill.loss.HiddenLoss;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Parallelism;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The hidden loss in training: its projections are trained with the student (and are not among the student's
 * parameters), and two workers with micro-batches, whose replicas share the projections, compute the whole batch's
 * loss and gradients, projections included, step after step.
 */
class HiddenLossTrainingTest {

    private static final int[] WIDTHS = {3, 5};
    private static final DistillConfig HIDDEN = new DistillConfig(2, 2, 0.5, 0.5, WeightingScheme.TEACHER_LOSS, List.of(),
            SoftLoss.KL, false, false, 1.0, List.of());

    @Test
    void workersShareTheProjectionsAndAddUpToTheWholeBatch() {
        EncodedDataset data = SyntheticTask.make(96, 3);
        float[][][] logits = random(new Random(1), data.size(), new int[] {2, 2});
        float[][][] features = random(new Random(2), data.size(), WIDTHS);
        for (ModelType type : new ModelType[] {ModelType.TRANSFORMER, ModelType.BILSTM}) {
            ModelConfig config = ModelConfig.of(type, 1, 16, 2, 32, 256, Pooling.MEAN);
            TextClassifier model = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), 2, 5);
            TextClassifier mirror = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), 2, 5);
            List<Batch> batches = new ArrayList<>();
            for (int[] indices : new BatchPlanner(16, true, 4, 7).trainingOrder(data.lengths(), 0)) {
                batches.add(Batch.of(data, indices, 0, SyntheticTask.TOKENIZER.padId()));
            }
            LossTargets wholeTargets = new LossTargets("one", logits, features, null, HIDDEN, false, 2, data.size(), 3);
            LossTargets splitTargets = new LossTargets("two", logits, features, null, HIDDEN, false, 2, data.size(), 3);
            try (GradientEngine one = new GradientEngine("one", model, wholeTargets, data, 0, Parallelism.sequential(), true);
                 GradientEngine two = new GradientEngine("two", mirror, splitTargets, data, 0, new Parallelism(1, 2, 40), true)) {
                assertEquals(List.of(HiddenLoss.projection(0), HiddenLoss.bias(0), HiddenLoss.projection(1), HiddenLoss.bias(1)),
                        List.copyOf(one.lossParameters().keySet()));
                assertTrue(model.parameters().keySet().stream().noneMatch(n -> n.startsWith("kd_")), "not model parameters");
                INDArray initial = one.lossParameters().get(HiddenLoss.projection(1)).dup();
                TrainingStep step = new TrainingStep(model, one, new AdamW(0.01), 1.0);
                for (int i = 0; i < batches.size(); i++) {
                    Batch batch = batches.get(i);
                    assertTrue(two.parts(batch) > 1, "the batch is split");
                    model.parameters().forEach((name, value) -> mirror.parameters().get(name).assign(value));
                    one.lossParameters().forEach((name, value) -> two.lossParameters().get(name).assign(value));
                    GradientEngine.BatchGradients split = copy(two.gradients(batch, 2.0));
                    GradientEngine.BatchGradients whole = one.gradients(batch, 2.0);
                    String where = type + " step " + i;
                    assertEquals(whole.loss(), split.loss(), 1e-5 * Math.max(1, Math.abs(whole.loss())), where + ": loss");
                    assertEquals(whole.weights().keySet(), split.weights().keySet());
                    assertTrue(whole.weights().keySet().containsAll(one.lossParameters().keySet()), where + ": projection gradients");
                    for (String name : whole.weights().keySet()) {
                        assertClose(whole.weights().get(name), split.weights().get(name), where + ": " + name);
                    }
                    step.run(batch, 1e-2, 2.0);
                }
                double moved = initial.sub(one.lossParameters().get(HiddenLoss.projection(1))).amaxNumber().doubleValue();
                assertTrue(moved > 1e-3, "the projections are trained: moved " + moved);
            }
        }
    }

    /**
     * The layer loss ({@code distill.layers}) with a 2-layer transformer teacher run on every batch: two workers with
     * micro-batches (each part's term scaled by its share of the batch's real tokens) give the whole batch's loss and
     * gradients, the projection's included, step after step.
     */
    @Test
    void layerLossOnWorkersAddsUpToTheWholeBatch() {
        EncodedDataset data = SyntheticTask.make(64, 4);
        float[][][] logits = random(new Random(1), data.size(), new int[] {2});
        DistillConfig layers = new DistillConfig(2, 2, 0.5, 0.5, WeightingScheme.UNIFORM, List.of(), SoftLoss.KL, false, false,
                0.0, List.of(), new org.kd4j.config.LayerDistillation("bert",
                List.of(new org.kd4j.config.LayerDistillation.Pair(0, 1)), 1.0, 1.0));
        TextClassifier teacher = TextClassifier.create(ModelConfig.of(ModelType.TRANSFORMER, 2, 24, 4, 48, 256, Pooling.MEAN),
                SyntheticTask.TOKENIZER.vocabSize(), 2, 9);
        ModelConfig config = ModelConfig.of(ModelType.TRANSFORMER, 1, 16, 2, 32, 256, Pooling.MEAN);
        TextClassifier model = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), 2, 5);
        TextClassifier mirror = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), 2, 5);
        List<Batch> batches = new ArrayList<>();
        for (int[] indices : new BatchPlanner(16, true, 4, 7).trainingOrder(data.lengths(), 0)) {
            batches.add(Batch.of(data, indices, 0, SyntheticTask.TOKENIZER.padId()));
        }
        LossTargets wholeTargets = new LossTargets("one", logits, null, teacher, layers, false, 2, data.size(), 3);
        LossTargets splitTargets = new LossTargets("two", logits, null, teacher, layers, false, 2, data.size(), 3);
        try (GradientEngine one = new GradientEngine("one", model, wholeTargets, data, 0, Parallelism.sequential(), true);
             GradientEngine two = new GradientEngine("two", mirror, splitTargets, data, 0, new Parallelism(1, 2, 40), true)) {
            assertEquals(List.of(org.kd4j.distill.loss.LayerLoss.projection(0), org.kd4j.distill.loss.LayerLoss.bias(0)),
                    List.copyOf(one.lossParameters().keySet()));
            TrainingStep step = new TrainingStep(model, one, new AdamW(0.01), 1.0);
            for (int i = 0; i < batches.size(); i++) {
                Batch batch = batches.get(i);
                assertTrue(two.parts(batch) > 1, "the batch is split");
                model.parameters().forEach((name, value) -> mirror.parameters().get(name).assign(value));
                one.lossParameters().forEach((name, value) -> two.lossParameters().get(name).assign(value));
                GradientEngine.BatchGradients split = copy(two.gradients(batch, 2.0));
                GradientEngine.BatchGradients whole = one.gradients(batch, 2.0);
                String where = "layer loss step " + i;
                assertEquals(whole.loss(), split.loss(), 1e-5 * Math.max(1, Math.abs(whole.loss())), where + ": loss");
                for (String name : whole.weights().keySet()) {
                    assertClose(whole.weights().get(name), split.weights().get(name), where + ": " + name);
                }
                assertTrue(whole.weights().get(org.kd4j.distill.loss.LayerLoss.projection(0)).amaxNumber().doubleValue() > 0,
                        where + ": the projection has a gradient");
                step.run(batch, 1e-2, 2.0);
            }
        }
    }

    @Test
    void theHiddenLossNeedsTheTeachersPooledRepresentations() {
        float[][][] logits = random(new Random(1), 10, new int[] {2});
        KdException none = assertThrows(KdException.class, () -> new LossTargets("s", logits, null, null, HIDDEN, false, 2, 10, 0));
        assertTrue(none.getMessage().contains("distill.hidden_weight 1.0 needs the pooled representations of its 1 teacher(s),"
                + " got none"), none.getMessage());
        KdException rows = assertThrows(KdException.class,
                () -> new LossTargets("s", logits, random(new Random(2), 9, new int[] {3}), null, HIDDEN, false, 2, 10, 0));
        assertTrue(rows.getMessage().contains("teacher 0 gives 9 pooled representations; expected 10"), rows.getMessage());
    }

    private static float[][][] random(Random rnd, int rows, int[] widths) {
        float[][][] out = new float[widths.length][rows][];
        for (int k = 0; k < widths.length; k++) {
            for (int i = 0; i < rows; i++) {
                out[k][i] = new float[widths[k]];
                for (int j = 0; j < widths[k]; j++) {
                    out[k][i][j] = (float) rnd.nextGaussian();
                }
            }
        }
        return out;
    }

    private static GradientEngine.BatchGradients copy(GradientEngine.BatchGradients g) {
        Map<String, INDArray> weights = new LinkedHashMap<>();
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
