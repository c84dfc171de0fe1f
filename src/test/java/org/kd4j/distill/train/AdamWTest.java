package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kd4j.model.embed.EmbeddingTable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdamWTest {

    @Test
    void firstStepMovesEachWeightByTheLearningRateAgainstItsGradientSign() {
        // step 1 from zero moments: m/(1-b1) = g, v/(1-b2) = g^2, so the update is lr * g / (|g| + eps)
        INDArray p = Nd4j.createFromArray(new double[][] {{1.0, -2.0}});
        INDArray g = Nd4j.createFromArray(new double[][] {{0.5, -3.0}});
        new AdamW(0).update(Map.of("x_b", p), Map.of("x_b", g), Map.of(), 0.1);
        assertEquals(0.9, p.getDouble(0, 0), 1e-6);
        assertEquals(-1.9, p.getDouble(0, 1), 1e-6);
    }

    @Test
    void decoupledWeightDecayOnWeightsOnly() {
        INDArray w = Nd4j.createFromArray(new double[][] {{2.0}});
        INDArray b = Nd4j.createFromArray(new double[][] {{2.0}});
        INDArray zero = Nd4j.createFromArray(new double[][] {{0.0}});
        new AdamW(0.5).update(Map.of("l_w", w, "l_b", b), Map.of("l_w", zero, "l_b", zero.dup()), Map.of(), 0.1);
        assertEquals(2.0 - 0.1 * 0.5 * 2.0, w.getDouble(0, 0), 1e-9); // p -= lr * wd * p
        assertEquals(2.0, b.getDouble(0, 0), 1e-9);
    }

    @Test
    void lazyRowUpdatesMatchDenseAdamOnTouchedRowsAndLeaveOthers() {
        EmbeddingTable table = EmbeddingTable.random(6, 3, 1.0, DataType.DOUBLE, 3);
        INDArray dense = table.weights().dup();
        int[] ids = {4, 1, 4};
        INDArray rowGrads = Nd4j.rand(DataType.DOUBLE, 3, 3).subi(0.5);
        EmbeddingTable.RowGradient sparse = table.rowGradient(ids, rowGrads);
        AdamW lazy = new AdamW(0.01);
        AdamW full = new AdamW(0.01);
        for (int step = 0; step < 3; step++) {
            lazy.update(Map.of("emb_tokens", table.weights()), Map.of(), Map.of("emb_tokens", sparse), 0.05);
            full.update(Map.of("emb_tokens", dense), Map.of("emb_tokens", table.gradient(ids, rowGrads)), Map.of(), 0.05);
        }
        INDArray untouched = EmbeddingTable.random(6, 3, 1.0, DataType.DOUBLE, 3).weights();
        for (int row = 0; row < 6; row++) {
            INDArray expected = row == 1 || row == 4 ? dense.getRow(row) : untouched.getRow(row);
            assertEquals(0.0, table.weights().getRow(row).sub(expected).amaxNumber().doubleValue(), 1e-12, "row " + row);
        }
    }
}
