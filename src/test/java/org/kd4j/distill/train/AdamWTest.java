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


    // lazy row updates: OptimizerTest.lazyRowUpdatesMatchDenseUpdatesOnTouchedRowsAndLeaveOthers, for every kind;
    // the fused float pass against the ops: FusedPassTest, for every kind
}
