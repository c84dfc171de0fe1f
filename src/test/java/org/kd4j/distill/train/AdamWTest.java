package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * Float parameters (updated by one pass over their native memory) follow the same formula as double ones (updated
     * by ND4J ops), over three steps, with and without weight decay, on arrays longer than a block; an f-order float
     * parameter takes the ops and agrees too.
     */
    @Test
    void theFusedFloatUpdateFollowsTheOpsUpdate() {
        Nd4j.getRandom().setSeed(5);
        INDArray exactW = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3, 4099).subi(0.5);
        INDArray exactB = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1, 7).subi(0.5);
        INDArray floatW = exactW.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        INDArray floatB = exactB.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        INDArray fOrderW = floatW.dup('f');
        INDArray initial = exactW.dup();
        AdamW exact = new AdamW(0.01, 0.9, 0.98, 1e-6);
        AdamW single = new AdamW(0.01, 0.9, 0.98, 1e-6);
        AdamW fOrder = new AdamW(0.01, 0.9, 0.98, 1e-6);
        for (int step = 0; step < 3; step++) {
            INDArray gw = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3, 4099).subi(0.5).muli(step + 1);
            INDArray gb = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1, 7).subi(0.5);
            exact.update(Map.of("l_w", exactW, "l_b", exactB), Map.of("l_w", gw, "l_b", gb), Map.of(), 0.01);
            INDArray fw = gw.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
            single.update(Map.of("l_w", floatW, "l_b", floatB), Map.of("l_w", fw,
                    "l_b", gb.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)), Map.of(), 0.01);
            fOrder.update(Map.of("l_w", fOrderW), Map.of("l_w", fw.dup('f')), Map.of(), 0.01);
        }
        assertClose(exactW, floatW, "weights");
        assertClose(exactB, floatB, "biases");
        assertClose(exactW, fOrderW, "f-order weights");
        assertClose(exact.firstState().get("l_w"), single.firstState().get("l_w"), "first moments");
        assertClose(exact.secondState().get("l_w"), single.secondState().get("l_w"), "second moments");
        // the update moved the weights: the comparison is not between two untouched copies
        assertTrue(exactW.sub(initial).amaxNumber().doubleValue() > 0.01);
    }

    /**
     * A float table's touched rows are updated where they lie (rows longer than a block included) and match the double
     * table's gathered-and-scattered update over three steps, moments included; untouched rows and their moments stay
     * as they were. A gradient naming a row the table does not have is refused before anything moves.
     */
    @Test
    void floatTableRowsUpdatedInPlaceFollowTheGatheredUpdate() {
        for (int dim : new int[] {3, 4099}) {
            EmbeddingTable exactTable = EmbeddingTable.random(7, dim, 1.0, DataType.DOUBLE, 3);
            INDArray exact = exactTable.weights();
            INDArray single = exact.castTo(DataType.FLOAT);
            INDArray initial = single.dup();
            AdamW reference = new AdamW(0.01, 0.9, 0.98, 1e-6);
            AdamW inPlace = new AdamW(0.01, 0.9, 0.98, 1e-6);
            Nd4j.getRandom().setSeed(11);
            for (int step = 0; step < 3; step++) {
                int[] ids = step == 1 ? new int[] {6, 0} : new int[] {2, 5, 2};
                INDArray grads = Nd4j.rand(DataType.DOUBLE, ids.length, dim).subi(0.5);
                EmbeddingTable.RowGradient g = exactTable.rowGradient(ids, grads);
                reference.update(Map.of("emb_tokens", exact), Map.of(), Map.of("emb_tokens", g), 0.05);
                EmbeddingTable.RowGradient gf = new EmbeddingTable.RowGradient(g.rows(), g.values().castTo(DataType.FLOAT));
                inPlace.update(Map.of("emb_tokens", single), Map.of(), Map.of("emb_tokens", gf), 0.05);
            }
            assertClose(exact, single, dim + ": table");
            assertClose(reference.firstState().get("emb_tokens"), inPlace.firstState().get("emb_tokens"), dim + ": first moments");
            assertClose(reference.secondState().get("emb_tokens"), inPlace.secondState().get("emb_tokens"), dim + ": second moments");
            for (int row : new int[] {1, 3, 4}) {
                assertEquals(0.0, single.getRow(row).sub(initial.getRow(row)).amaxNumber().doubleValue(), 0.0, dim + ": row " + row);
                assertEquals(0.0, inPlace.secondState().get("emb_tokens").getRow(row).amaxNumber().doubleValue(), 0.0);
            }
            for (int row : new int[] {0, 2, 5, 6}) {
                assertTrue(single.getRow(row).sub(initial.getRow(row)).amaxNumber().doubleValue() > 0.01, dim + ": row " + row);
            }
        }
        INDArray table = Nd4j.rand(DataType.FLOAT, 4, 3);
        INDArray before = table.dup();
        EmbeddingTable.RowGradient outside = new EmbeddingTable.RowGradient(new int[] {1, 4}, Nd4j.rand(DataType.FLOAT, 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AdamW(0.01).update(Map.of("emb_tokens", table), Map.of(), Map.of("emb_tokens", outside), 0.05));
        assertEquals("AdamW: gradient of row 4 of a table of 4 rows", e.getMessage());
        assertEquals(before, table);
    }

    private static void assertClose(INDArray want, INDArray got, String what) {
        INDArray diff = got.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sub(want);
        double scale = Math.max(1e-12, want.amaxNumber().doubleValue());
        assertEquals(0.0, diff.amaxNumber().doubleValue() / scale, 2e-6, what);
    }

    // lazy row updates: OptimizerTest.lazyRowUpdatesMatchDenseUpdatesOnTouchedRowsAndLeaveOthers, for every kind
}
