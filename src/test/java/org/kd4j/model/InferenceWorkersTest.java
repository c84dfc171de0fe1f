package org.kd4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.kd4j.data.batch.Batch;
import org.kd4j.util.Parallelism;

/** With two workers a large batch is split in halves computed at the same time; the logits are those of one pass. */
class InferenceWorkersTest {

    @Test
    void splitBatchGivesTheSameLogits() {
        // hidden 256: the work per token at which 2 x 1,024 tokens are worth two workers (Parallelism.worthSplitting)
        ModelConfig config = ModelConfig.of(ModelType.TRANSFORMER, 1, 256, 2, 32, 512, Pooling.MEAN);
        TextClassifier model = TextClassifier.create(config, 50, 3, 4);
        int rows = 5;
        int length = 500; // 2,500 tokens: over the 2 x 1,024 needed to split
        int[] ids = new int[rows * length];
        int[] mask = new int[rows * length];
        for (int i = 0; i < ids.length; i++) {
            int row = i / length;
            boolean real = i % length < length - 37 * row;
            ids[i] = real ? 1 + (i * 7) % 49 : 0;
            mask[i] = real ? 1 : 0;
        }
        Batch batch = new Batch(new int[] {0, 1, 2, 3, 4}, length, ids, new int[ids.length], mask, new int[rows], new double[rows]);
        float[][] whole = model.logits(batch, Parallelism.sequential());
        assertEquals(false, model.splitInference());
        float[][] split = model.logits(batch, Parallelism.sequential().withWorkers(2));
        assertEquals(true, model.splitInference());
        assertEquals(rows, split.length);
        for (int r = 0; r < rows; r++) {
            assertArrayEquals(whole[r], split[r], 1e-5f, "row " + r + ": " + Arrays.toString(whole[r]) + " vs " + Arrays.toString(split[r]));
        }
    }
}
