package org.kd4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.Encoding;
import org.kd4j.util.Parallelism;

/**
 * With two workers a large batch is split in halves computed at the same time; the logits, and the pooled
 * representations of a data set, are those of one pass, in data order.
 */
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

    @Test
    void pooledRepresentationsSplitOverTwoWorkersAreThoseOfOnePass() {
        ModelConfig config = ModelConfig.of(ModelType.TRANSFORMER, 1, 256, 2, 32, 512, Pooling.MEAN);
        TextClassifier model = TextClassifier.create(config, 50, 3, 4);
        // 6 rows of 300 to 500 tokens in no order of length, so that the length sort reorders them; one batch of 6 rows:
        // 3,000 padded tokens, over the 2 x 1,024 needed to split it
        List<Encoding> rows = new ArrayList<>();
        for (int row = 0; row < 6; row++) {
            int length = 300 + 40 * ((row * 5) % 6);
            int[] ids = new int[length];
            for (int t = 0; t < length; t++) {
                ids[t] = 1 + (t * 7 + row * 3) % 49;
            }
            rows.add(new Encoding(ids, new int[length]));
        }
        EncodedDataset data = new EncodedDataset(GlueTask.SST2, rows, new int[6], new double[6], 512);
        float[][] whole = model.features(data, 6, 0);
        assertEquals(false, model.splitInference());
        float[][] split = model.features(data, 6, 0, Parallelism.sequential().withWorkers(2));
        assertEquals(true, model.splitInference());
        assertEquals(6, split.length);
        for (int r = 0; r < split.length; r++) {
            assertEquals(256, split[r].length, "row " + r);
            assertArrayEquals(whole[r], split[r], 1e-5f, "row " + r);
        }
        // logits and representations from one pass, split the same way, are those of the separate passes
        TextClassifier.Scores both = model.logitsAndFeatures(data, 6, 0, Parallelism.sequential().withWorkers(2));
        float[][] logits = model.logits(data, 6, 0);
        for (int r = 0; r < split.length; r++) {
            assertArrayEquals(whole[r], both.features()[r], 1e-5f, "row " + r);
            assertArrayEquals(logits[r], both.logits()[r], 1e-5f, "row " + r);
        }
        // each row's own pass, alone in a batch of one, gives the same representation (data order kept)
        for (int r = 0; r < split.length; r++) {
            float[][] alone = model.features(data.subset(new int[] {r}), 1, 0);
            assertArrayEquals(alone[0], split[r], 1e-5f, "row " + r + " alone");
        }
    }
}
