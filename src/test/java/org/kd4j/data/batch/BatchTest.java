package org.kd4j.data.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.Encoding;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.api.MultiDataSet;

class BatchTest {

    private static final EncodedDataset DATA = new EncodedDataset(GlueTask.RTE, List.of(
            new Encoding(new int[] {101, 7, 102, 8, 102}, new int[] {0, 0, 0, 1, 1}),
            new Encoding(new int[] {101, 9, 9, 9, 102, 8, 8, 102}, new int[] {0, 0, 0, 0, 0, 1, 1, 1}),
            new Encoding(new int[] {101, 5, 102}, new int[] {0, 0, 0})),
            new int[] {1, 0, 1}, new double[] {Double.NaN, Double.NaN, Double.NaN}, 16);

    @Test
    void dynamicPaddingToTheLongestRow() {
        Batch b = Batch.of(DATA, new int[] {2, 0}, 0, 0);
        assertEquals(5, b.length());
        assertArrayEquals(new int[] {101, 5, 102, 0, 0, 101, 7, 102, 8, 102}, b.inputIds());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, b.tokenTypeIds());
        assertArrayEquals(new int[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, b.attentionMask());
        assertArrayEquals(new int[] {1, 1}, b.labels());
        assertEquals(8, b.realTokens());
    }

    @Test
    void labeledRowsCountLabelIdsAndFiniteScores() {
        int[] none = {0, 0, 0, 0};
        Batch b = new Batch(new int[] {0, 1, 2, 3}, 1, none, none, none, new int[] {1, -1, -1, -1},
                new double[] {Double.NaN, 2.5, Double.NaN, 0.0});
        assertEquals(3, b.labeledRows(), "a label id, a score of 2.5 and a score of 0 count; an unlabeled NaN row does not");
        assertEquals(2, Batch.of(DATA, new int[] {0, 2}, 0, 0).labeledRows(), "classification rows with label ids");
    }

    @Test
    void fixedPaddingAndPadId() {
        Batch b = Batch.of(DATA, new int[] {1}, 12, 3);
        assertEquals(12, b.length());
        assertArrayEquals(new int[] {101, 9, 9, 9, 102, 8, 8, 102, 3, 3, 3, 3}, b.inputIds());
    }

    @Test
    void multiDataSetShapesAndOneHotLabels() {
        MultiDataSet mds = Batch.of(DATA, new int[] {0, 1, 2}, 0, 0).toMultiDataSet(2, false);
        assertArrayEquals(new long[] {3, 8}, mds.getFeatures(0).shape());
        assertEquals(DataType.INT32, mds.getFeatures(0).dataType());
        assertEquals(1, mds.getFeatures(1).getInt(1, 5));
        assertEquals(0f, mds.getFeaturesMaskArray(0).getFloat(0, 5));
        assertEquals(1f, mds.getFeaturesMaskArray(0).getFloat(1, 7));
        assertArrayEquals(new float[] {0, 1, 1, 0, 0, 1}, mds.getLabels(0).reshape(6).toFloatVector());
    }

    @Test
    void concatenationKeepsEncodingsAndLabelsInOrder() {
        EncodedDataset both = DATA.concat(DATA);
        assertEquals(6, both.size());
        assertArrayEquals(new int[] {1, 0, 1, 1, 0, 1}, both.labels());
        assertArrayEquals(DATA.encodings().get(1).inputIds(), both.encodings().get(4).inputIds());
    }

    @Test
    void iteratorCoversEveryExampleEachEpochInANewOrder() {
        GlueMultiDataSetIterator it = new GlueMultiDataSetIterator(DATA, new BatchPlanner(1, false, 1, 9), 0, 0, true);
        int[] first = new int[3];
        for (int i = 0; i < 3; i++) {
            first[i] = it.nextBatch().indices()[0];
        }
        assertFalse(it.hasNext());
        int[] sorted = first.clone();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2}, sorted);
        it.reset();
        assertEquals(3, it.batchesPerEpoch());
        assertArrayEquals(new long[] {1, 2}, it.next().getLabels(0).shape());
    }
}
