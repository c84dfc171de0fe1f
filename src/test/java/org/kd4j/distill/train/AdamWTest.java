package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
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

    private static void assertClose(INDArray want, INDArray got, String what) {
        INDArray diff = got.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sub(want);
        double scale = Math.max(1e-12, want.amaxNumber().doubleValue());
        assertEquals(0.0, diff.amaxNumber().doubleValue() / scale, 2e-6, what);
    }

    // lazy row updates: OptimizerTest.lazyRowUpdatesMatchDenseUpdatesOnTouchedRowsAndLeaveOthers, for every kind
}
