package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kd4j.KdException;
import org.kd4j.config.OptimizerKind;
import org.kd4j.config.TrainConfig;
import org.kd4j.model.embed.EmbeddingTable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Adadelta and SGD with momentum against their formulas worked out in scalars; every kind's lazy rows; restoring. */
class OptimizerTest {

    private static final double[] GRADIENTS = {0.5, -1.0, 0.25};

    /** Three steps of Adadelta on a weight {@code x_w} from 1.0, by the formula in scalars: rho 0.95, eps 1e-6. */
    private static double adadeltaByHand(double lr, double wd) {
        double p = 1.0;
        double a = 0;
        double b = 0;
        for (double g : GRADIENTS) {
            double gradient = g + wd * p;
            a = 0.95 * a + 0.05 * gradient * gradient;
            double d = Math.sqrt(b + 1e-6) / Math.sqrt(a + 1e-6) * gradient;
            b = 0.95 * b + 0.05 * d * d;
            p -= lr * d;
        }
        return p;
    }

    /** Three steps of SGD with momentum 0.9 on a weight {@code x_w} from 1.0, in scalars. */
    private static double sgdByHand(double lr, double wd) {
        double p = 1.0;
        double buffer = 0;
        for (double g : GRADIENTS) {
            buffer = 0.9 * buffer + g + wd * p;
            p -= lr * buffer;
        }
        return p;
    }

    private static double threeSteps(OptimizerKind kind, double lr, double wd, String name) {
        INDArray p = Nd4j.createFromArray(new double[][] {{1.0}});
        Optimizer optimizer = Optimizer.create(kind, wd);
        for (double g : GRADIENTS) {
            optimizer.update(Map.of(name, p), Map.of(name, Nd4j.createFromArray(new double[][] {{g}})), Map.of(), lr);
        }
        assertEquals(3, optimizer.step());
        return p.getDouble(0, 0);
    }

    @Test
    void adadeltaFollowsItsFormulaWithAndWithoutWeightDecay() {
        assertEquals(adadeltaByHand(1.0, 0), threeSteps(OptimizerKind.ADADELTA, 1.0, 0, "x_w"), 1e-12);
        assertEquals(adadeltaByHand(1.0, 0.1), threeSteps(OptimizerKind.ADADELTA, 1.0, 0.1, "x_w"), 1e-12);
        // the first step moves by sqrt(eps) / sqrt(0.05 g^2 + eps) g: about 0.0045 for g = 0.5, whatever the scale of g
        double first = 1.0 - Math.sqrt(1e-6) / Math.sqrt(0.05 * 0.25 + 1e-6) * 0.5;
        INDArray p = Nd4j.createFromArray(new double[][] {{1.0}});
        new Adadelta(0).update(Map.of("x_b", p), Map.of("x_b", Nd4j.createFromArray(new double[][] {{0.5}})), Map.of(), 1.0);
        assertEquals(first, p.getDouble(0, 0), 1e-12);
        // no decay on biases: a bias with weight decay moves as one without
        assertEquals(adadeltaByHand(1.0, 0), threeSteps(OptimizerKind.ADADELTA, 1.0, 0.1, "x_b"), 1e-12);
    }

    @Test
    void sgdWithMomentumFollowsItsFormulaWithAndWithoutWeightDecay() {
        assertEquals(sgdByHand(0.1, 0), threeSteps(OptimizerKind.SGD, 0.1, 0, "x_w"), 1e-12);
        // worked out: b = 0.5, p = 0.95; b = 0.45 - 1.0 = -0.55, p = 1.005; b = -0.495 + 0.25 = -0.245, p = 1.0295
        assertEquals(1.0295, sgdByHand(0.1, 0), 1e-12);
        assertEquals(sgdByHand(0.1, 0.2), threeSteps(OptimizerKind.SGD, 0.1, 0.2, "x_w"), 1e-12);
        assertEquals(sgdByHand(0.1, 0), threeSteps(OptimizerKind.SGD, 0.1, 0.2, "x_b"), 1e-12);
    }

    @Test
    void sgdKeepsOneStateArrayAndTheOthersTwo() {
        for (OptimizerKind kind : OptimizerKind.values()) {
            Optimizer o = Optimizer.create(kind, 0);
            assertEquals(kind, o.kind());
            o.update(Map.of("x_w", Nd4j.ones(2, 2)), Map.of("x_w", Nd4j.ones(2, 2)), Map.of(), 0.1);
            assertEquals(1, o.firstState().size(), kind.toString());
            assertEquals(kind == OptimizerKind.SGD ? 0 : 1, o.secondState().size(), kind.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void lazyRowUpdatesMatchDenseUpdatesOnTouchedRowsAndLeaveOthers(OptimizerKind kind) {
        EmbeddingTable table = EmbeddingTable.random(6, 3, 1.0, DataType.DOUBLE, 3);
        INDArray dense = table.weights().dup();
        int[] ids = {4, 1, 4};
        INDArray rowGrads = Nd4j.rand(DataType.DOUBLE, 3, 3).subi(0.5);
        EmbeddingTable.RowGradient sparse = table.rowGradient(ids, rowGrads);
        Optimizer lazy = Optimizer.create(kind, 0.01);
        Optimizer full = Optimizer.create(kind, 0.01);
        for (int step = 0; step < 3; step++) {
            lazy.update(Map.of("emb_tokens", table.weights()), Map.of(), Map.of("emb_tokens", sparse), 0.05);
            full.update(Map.of("emb_tokens", dense), Map.of("emb_tokens", table.gradient(ids, rowGrads)), Map.of(), 0.05);
        }
        INDArray untouched = EmbeddingTable.random(6, 3, 1.0, DataType.DOUBLE, 3).weights();
        for (int row = 0; row < 6; row++) {
            INDArray expected = row == 1 || row == 4 ? dense.getRow(row) : untouched.getRow(row);
            assertEquals(0.0, table.weights().getRow(row).sub(expected).amaxNumber().doubleValue(), 1e-12, "row " + row);
        }
        assertTrue(table.weights().getRow(4).sub(untouched.getRow(4)).amaxNumber().doubleValue() > 0, "row 4 moved");
    }

    @Test
    void restoringStateOfAnotherKindIsRefusedNamingBoth() {
        Optimizer saved = Optimizer.create(OptimizerKind.ADADELTA, 0);
        KdException e = assertThrows(KdException.class,
                () -> Optimizer.create(OptimizerKind.ADAMW, 0).restoreFrom(saved, "runs/x/checkpoint"));
        assertTrue(e.getMessage().startsWith("runs/x/checkpoint: "), e.getMessage());
        assertTrue(e.getMessage().contains("optimizer adadelta") && e.getMessage().contains("train.optimizer is adamw"),
                e.getMessage());
    }

    /** Adadelta and SGD with weight decay are told it is an L2 term; AdamW, and no decay, are not. */
    @Test
    void aCoupledWeightDecayIsNamedForAdadeltaAndSgdOnly() {
        assertTrue(Optimizer.weightDecayNote(OptimizerKind.ADAMW, 0.01).isEmpty());
        assertTrue(Optimizer.weightDecayNote(OptimizerKind.ADADELTA, 0.0).isEmpty());
        assertTrue(Optimizer.weightDecayNote(OptimizerKind.SGD, 0.0).isEmpty());
        assertEquals("train.weight_decay 0.01 with adadelta is an L2 term added to the gradient, not AdamW's decoupled decay"
                + " (its default, 0.01, is AdamW's); set train.weight_decay: 0 for none",
                Optimizer.weightDecayNote(OptimizerKind.ADADELTA, 0.01).orElseThrow());
        assertTrue(Optimizer.weightDecayNote(OptimizerKind.SGD, 0.05).orElseThrow().startsWith("train.weight_decay 0.05 with sgd "));
    }

    /** Three steps of {@code optimizer} on a weight {@code x_w} from 1.0. */
    private static double threeSteps(Optimizer optimizer, double lr) {
        INDArray p = Nd4j.createFromArray(new double[][] {{1.0}});
        for (double g : GRADIENTS) {
            optimizer.update(Map.of("x_w", p), Map.of("x_w", Nd4j.createFromArray(new double[][] {{g}})), Map.of(), lr);
        }
        return p.getDouble(0, 0);
    }

    private static TrainConfig train(OptimizerKind kind, Double beta1, Double beta2, Double adamEps, Double rho,
                                     Double adadeltaEps, Double momentum) {
        TrainConfig d = TrainConfig.defaults();
        return new TrainConfig(d.epochs(), d.learningRate(), 0.0, d.warmupFraction(), d.clipNorm(), d.seed(),
                d.checkpointEverySteps(), d.earlyStoppingPatience(), kind, beta1, beta2, adamEps, rho, adadeltaEps, momentum);
    }

    /** A train section's optimizer constants reach the update; worked out in scalars as above. */
    @Test
    void theTrainSectionsConstantsAreTheOptimizersAndAbsentOnesTheDefaults() {
        // SGD with momentum 0 is plain SGD: 1 - 0.1 (0.5 - 1.0 + 0.25)
        assertEquals(1.025, threeSteps(Optimizer.create(train(OptimizerKind.SGD, null, null, null, null, null, 0.0)), 0.1),
                1e-12);
        double p = 1.0;
        double buffer = 0;
        for (double g : GRADIENTS) {
            buffer = 0.5 * buffer + g;
            p -= 0.1 * buffer;
        }
        assertEquals(p, threeSteps(Optimizer.create(train(OptimizerKind.SGD, null, null, null, null, null, 0.5)), 0.1), 1e-12);

        p = 1.0;
        double a = 0;
        double b = 0;
        for (double g : GRADIENTS) {
            a = 0.8 * a + 0.2 * g * g;
            double d = Math.sqrt(b + 1e-3) / Math.sqrt(a + 1e-3) * g;
            b = 0.8 * b + 0.2 * d * d;
            p -= d;
        }
        assertEquals(p, threeSteps(Optimizer.create(train(OptimizerKind.ADADELTA, null, null, null, 0.8, 1e-3, null)), 1.0),
                1e-12);

        p = 1.0;
        double m = 0;
        double v = 0;
        int t = 0;
        for (double g : GRADIENTS) {
            t++;
            m = 0.8 * m + 0.2 * g;
            v = 0.98 * v + 0.02 * g * g;
            p -= 0.1 * (m / (1 - Math.pow(0.8, t)) / (Math.sqrt(v / (1 - Math.pow(0.98, t))) + 1e-3));
        }
        assertEquals(p, threeSteps(Optimizer.create(train(OptimizerKind.ADAMW, 0.8, 0.98, 1e-3, null, null, null)), 0.1),
                1e-12);

        // absent constants: the same steps as the kind's defaults
        for (OptimizerKind kind : OptimizerKind.values()) {
            assertEquals(threeSteps(Optimizer.create(kind, 0.0), 0.1),
                    threeSteps(Optimizer.create(train(kind, null, null, null, null, null, null)), 0.1), 0.0, kind.toString());
        }
    }
}
