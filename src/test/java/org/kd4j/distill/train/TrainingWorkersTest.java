package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Two workers splitting each batch compute the whole batch's loss and gradients (up to float rounding), step after
 * step while both train, for a transformer and a BiLSTM.
 */
class TrainingWorkersTest {

    @Test
    void partsAddUpToTheWholeBatch() {
        EncodedDataset data = SyntheticTask.make(96, 3);
        for (ModelType type : new ModelType[] {ModelType.TRANSFORMER, ModelType.BILSTM}) {
            ModelConfig config = new ModelConfig(type, 1, 16, 2, 32, 64, Pooling.MEAN);
            TextClassifier model = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), 2, 5);
            TextClassifier mirror = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), 2, 5);
            List<Batch> batches = new ArrayList<>();
            for (int[] indices : new BatchPlanner(16, true, 4, 7).trainingOrder(data.lengths(), 0)) {
                batches.add(Batch.of(data, indices, 0, SyntheticTask.TOKENIZER.padId()));
            }
            // the one-worker trainer trains `model`; `mirror` gets its weights before each comparison
            try (Trainer.StepTimer one = Trainer.stepTimer(model, data, 1); Trainer.StepTimer two = Trainer.stepTimer(mirror, data, 2)) {
                for (int i = 0; i < batches.size(); i++) {
                    Batch batch = batches.get(i);
                    model.parameters().forEach((name, value) -> mirror.parameters().get(name).assign(value));
                    Trainer.BatchGradients split = copy(two.gradients(batch));
                    Trainer.BatchGradients whole = one.gradients(batch);
                    String where = type + " step " + i + " (" + batch.size() + " x " + batch.length() + ")";
                    assertEquals(whole.loss(), split.loss(), 1e-6 * Math.max(1, Math.abs(whole.loss())), where + ": loss");
                    assertEquals(whole.weights().keySet(), split.weights().keySet());
                    for (String name : whole.weights().keySet()) {
                        assertClose(whole.weights().get(name), split.weights().get(name), where + ": " + name);
                    }
                    assertClose(whole.embeddings(), split.embeddings(), where + ": embeddings");
                    one.step(batch);
                }
            }
            assertTrue(batches.size() >= 6);
        }
    }

    private static Trainer.BatchGradients copy(Trainer.BatchGradients g) {
        java.util.Map<String, INDArray> weights = new java.util.LinkedHashMap<>();
        g.weights().forEach((k, v) -> weights.put(k, v.dup()));
        return new Trainer.BatchGradients(g.loss(), weights, g.embeddings().dup());
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(e.shape());
        double scale = Math.max(1e-3, e.amaxNumber().doubleValue());
        double diff = e.sub(a).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-4 * scale, what + ": max |difference| " + diff + " (largest gradient " + scale + ")");
    }
}
