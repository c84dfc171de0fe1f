package org.kd4j.distill.loss;

import org.kd4j.config.WeightingScheme;
import org.kd4j.config.SoftLoss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Loss values against numbers computed by hand (worked out in the comments). */
class DistillationLossTest {

    private static final double EPS = 1e-12;
    private static final double LN2 = Math.log(2);
    private static final double LN3 = Math.log(3);
    private static final double LN4 = Math.log(4);
    private static final double S3 = Math.sqrt(3);

    // Student logits, B = 2, C = 2:
    //   ex0 [0, ln3] -> softmax [1/4, 3/4];  at T=2: softmax([0, ln sqrt3]) = [1, sqrt3] / (1 + sqrt3)
    //   ex1 [ln4, 0] -> softmax [4/5, 1/5];  at T=2: softmax([ln2, 0])      = [2/3, 1/3]
    private static final double[][] STUDENT = {{0, LN3}, {LN4, 0}};
    // Teachers: EnsembleTargetsTest.Z (A: [1/4, 3/4], [1/2, 1/2]; B: [1/2, 1/2], [4/5, 1/5] at T = 1)
    private static final int[] GOLD = {1, 0};

    // ---- hard term ---------------------------------------------------------------------------------------

    @Test
    void hardOnly() {
        // CE ex0 = -ln(3/4) = ln(4/3), ex1 = -ln(4/5) = ln(5/4); mean = (ln(4/3) + ln(5/4)) / 2 = ln(5/3) / 2
        Graph g = classification(DataType.DOUBLE, SoftLoss.KL);
        INDArray p = targets(WeightingScheme.UNIFORM, GOLD, 1.0, false);
        assertEquals(Math.log(5.0 / 3) / 2, g.value(GOLD, p, 1.0, 1.0, 0.0), EPS);
        // hardWeight 3 scales it
        assertEquals(3 * Math.log(5.0 / 3) / 2, g.value(GOLD, p, 1.0, 3.0, 0.0), EPS);
        // the temperature does not touch the hard term
        assertEquals(Math.log(5.0 / 3) / 2, g.value(GOLD, p, 4.0, 1.0, 0.0), EPS);
    }

    @Test
    void hardTermIsAMeanOverLabeledExamplesOnly() {
        Graph g = classification(DataType.DOUBLE, SoftLoss.KL);
        INDArray p = targets(WeightingScheme.UNIFORM, null, 1.0, false);
        // ex1 unlabeled: ln(4/3) / 1 (not / 2)
        assertEquals(Math.log(4.0 / 3), g.value(new int[] {1, -1}, p, 1.0, 1.0, 0.0), EPS);
        // nothing labeled: 0 / max(1, 0) = 0
        assertEquals(0.0, g.value(new int[] {-1, -1}, p, 1.0, 1.0, 0.0), EPS);
    }

    // ---- KL soft term ------------------------------------------------------------------------------------

    @Test
    void softOnlyUniformT1() {
        // p = [3/8, 5/8], [13/20, 7/20]; q = [1/4, 3/4], [4/5, 1/5]
        // KL0 = 3/8 ln((3/8)/(1/4)) + 5/8 ln((5/8)/(3/4)) = 3/8 ln(3/2) + 5/8 ln(5/6)
        // KL1 = 13/20 ln((13/20)/(4/5)) + 7/20 ln((7/20)/(1/5)) = 13/20 ln(13/16) + 7/20 ln(7/4)
        double kl0 = 3.0 / 8 * Math.log(1.5) + 5.0 / 8 * Math.log(5.0 / 6);
        double kl1 = 13.0 / 20 * Math.log(13.0 / 16) + 7.0 / 20 * Math.log(7.0 / 4);
        Graph g = classification(DataType.DOUBLE, SoftLoss.KL);
        INDArray p = targets(WeightingScheme.UNIFORM, GOLD, 1.0, false);
        assertEquals((kl0 + kl1) / 2, g.value(GOLD, p, 1.0, 0.0, 1.0), EPS); // T^2 = 1
    }

    @Test
    void softOnlyUniformT2HasTheTSquaredFactor() {
        // p at T=2: ex0 [a, 1-a] with a = (1/(1+sqrt3) + 1/2) / 2; ex1 [7/12, 5/12]
        // q at T=2: ex0 [b, 1-b] with b = 1/(1+sqrt3);             ex1 [2/3, 1/3]
        double a = (1 / (1 + S3) + 0.5) / 2;
        double b = 1 / (1 + S3);
        double kl0 = a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b));
        // KL1 = 7/12 ln((7/12)/(2/3)) + 5/12 ln((5/12)/(1/3)) = 7/12 ln(7/8) + 5/12 ln(5/4)
        double kl1 = 7.0 / 12 * Math.log(7.0 / 8) + 5.0 / 12 * Math.log(5.0 / 4);
        Graph g = classification(DataType.DOUBLE, SoftLoss.KL);
        INDArray p = targets(WeightingScheme.UNIFORM, GOLD, 2.0, false);
        assertEquals(4 * (kl0 + kl1) / 2, g.value(GOLD, p, 2.0, 0.0, 1.0), EPS);
    }

    @Test
    void softOnlyForEachScheme() {
        Graph g = classification(DataType.DOUBLE, SoftLoss.KL);
        double[] q0 = {0.25, 0.75};
        double[] q1 = {0.8, 0.2};
        // FIXED (1, 3): p = [7/16, 9/16], [29/40, 11/40]
        assertEquals((kl(new double[] {7.0 / 16, 9.0 / 16}, q0) + kl(new double[] {29.0 / 40, 11.0 / 40}, q1)) / 2,
                g.value(GOLD, targets(WeightingScheme.FIXED, GOLD, 1.0, false), 1.0, 0.0, 1.0), EPS);
        // CONFIDENCE: p = [0.35, 0.65], [8.9/13, 4.1/13]
        double confidence = (kl(new double[] {0.35, 0.65}, q0) + kl(new double[] {8.9 / 13, 4.1 / 13}, q1)) / 2;
        assertEquals(confidence,
                g.value(GOLD, targets(WeightingScheme.CONFIDENCE, GOLD, 1.0, false), 1.0, 0.0, 1.0), EPS);
        // TEACHER_LOSS with gold (0, 1): w = (1/3, 2/3), (5/7, 2/7)
        //   p0 = 1/3 [1/4, 3/4] + 2/3 [1/2, 1/2] = [5/12, 7/12]
        //   p1 = 5/7 [1/2, 1/2] + 2/7 [4/5, 1/5] = [4.1/7, 2.9/7]
        int[] gold01 = {0, 1};
        assertEquals((kl(new double[] {5.0 / 12, 7.0 / 12}, q0) + kl(new double[] {4.1 / 7, 2.9 / 7}, q1)) / 2,
                g.value(gold01, targets(WeightingScheme.TEACHER_LOSS, gold01, 1.0, false), 1.0, 0.0, 1.0), EPS);
        // TEACHER_LOSS with both rows unlabeled: CONFIDENCE weights
        int[] none = {-1, -1};
        assertEquals(confidence,
                g.value(none, targets(WeightingScheme.TEACHER_LOSS, none, 1.0, false), 1.0, 0.0, 1.0), EPS);
        // averageLogits, T = 1: p = [1, sqrt3] / (1 + sqrt3), [2/3, 1/3]
        assertEquals((kl(new double[] {1 / (1 + S3), S3 / (1 + S3)}, q0) + kl(new double[] {2.0 / 3, 1.0 / 3}, q1)) / 2,
                g.value(GOLD, targets(WeightingScheme.UNIFORM, GOLD, 1.0, true), 1.0, 0.0, 1.0), EPS);
    }

    @Test
    void klIsZeroWhenTheStudentMatchesAndHandlesZeroProbabilities() {
        Graph g = classification(DataType.DOUBLE, SoftLoss.KL);
        // p = q = [1/4, 3/4], [4/5, 1/5]: KL = 0 (the p log p term makes it a true KL)
        INDArray same = Nd4j.createFromArray(new double[][] {{0.25, 0.75}, {0.8, 0.2}});
        assertEquals(0.0, g.value(GOLD, same, 1.0, 0.0, 1.0), EPS);
        // p = [1, 0], [0, 1]: 0 log 0 = 0 -> KL0 = 1 ln(1 / (1/4)) = ln4, KL1 = ln(1 / (1/5)) = ln5
        INDArray oneHot = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}});
        assertEquals((LN4 + Math.log(5)) / 2, g.value(GOLD, oneHot, 1.0, 0.0, 1.0), EPS);
    }

    @Test
    void bothTermsAndTheSameGraphForAnotherTemperature() {
        Graph g = classification(DataType.DOUBLE, SoftLoss.KL);
        double hard = Math.log(5.0 / 3) / 2;
        double soft1 = (3.0 / 8 * Math.log(1.5) + 5.0 / 8 * Math.log(5.0 / 6)
                + 13.0 / 20 * Math.log(13.0 / 16) + 7.0 / 20 * Math.log(7.0 / 4)) / 2;
        // 0.3 * hard + 0.7 * 1^2 * soft
        assertEquals(0.3 * hard + 0.7 * soft1,
                g.value(GOLD, targets(WeightingScheme.UNIFORM, GOLD, 1.0, false), 1.0, 0.3, 0.7), EPS);
        // T = 2 without rebuilding: 0.3 * hard + 0.7 * 4 * softT2 (values from softOnlyUniformT2...)
        double a = (1 / (1 + S3) + 0.5) / 2;
        double b = 1 / (1 + S3);
        double soft2 = (a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b))
                + 7.0 / 12 * Math.log(7.0 / 8) + 5.0 / 12 * Math.log(5.0 / 4)) / 2;
        assertEquals(0.3 * hard + 0.7 * 4 * soft2,
                g.value(GOLD, targets(WeightingScheme.UNIFORM, GOLD, 2.0, false), 2.0, 0.3, 0.7), EPS);
        // and with ex1 unlabeled: hard = ln(4/3), the soft term still averages both rows
        assertEquals(0.3 * Math.log(4.0 / 3) + 0.7 * soft1,
                g.value(new int[] {1, -1}, targets(WeightingScheme.UNIFORM, GOLD, 1.0, false), 1.0, 0.3, 0.7), EPS);
    }

    @Test
    void floatGraphGivesTheSameValues() {
        Graph g = classification(DataType.FLOAT, SoftLoss.KL);
        Graph d = classification(DataType.DOUBLE, SoftLoss.KL);
        INDArray p = targets(WeightingScheme.CONFIDENCE, GOLD, 2.0, false);
        double expected = d.value(GOLD, p, 2.0, 0.3, 0.7);
        assertEquals(expected, g.value(GOLD, p, 2.0, 0.3, 0.7), 1e-6);
        assertEquals(DataType.FLOAT, g.loss.output().dataType());
    }

    // ---- MSE on logits -----------------------------------------------------------------------------------

    @Test
    void mseOnLogits() {
        // uniform mean logits [0, ln3/2], [ln2, 0]; student [0, ln3], [ln4, 0]
        // differences [0, ln3/2], [ln2, 0] -> mean of 4 squares = ((ln3/2)^2 + (ln2)^2) / 4; no T^2
        double soft = ((LN3 / 2) * (LN3 / 2) + LN2 * LN2) / 4;
        Graph g = classification(DataType.DOUBLE, SoftLoss.MSE_LOGITS);
        INDArray zbar = EnsembleTargets.compute(EnsembleTargetsTest.Z, GOLD, WeightingScheme.UNIFORM, null, 1.0, false)
                .meanLogits(DataType.DOUBLE);
        assertEquals(soft, g.value(GOLD, zbar, 5.0, 0.0, 1.0), EPS);
        assertEquals(0.5 * Math.log(5.0 / 3) / 2 + 2 * soft, g.value(GOLD, zbar, 5.0, 0.5, 2.0), EPS);
        // MSE_LOGITS has no temperature placeholder
        assertFalse(g.sd.hasVariable(DistillationLoss.TEMPERATURE));
    }

    // ---- regression --------------------------------------------------------------------------------------

    @Test
    void regression() {
        // student [3, 2, 5]; gold [2.5, unlabeled, 4]; teacher mean [3.5, 2, 4]
        // hard = ((3 - 2.5)^2 + (5 - 4)^2) / 2 = (0.25 + 1) / 2 = 0.625
        // soft = ((3 - 3.5)^2 + 0 + (5 - 4)^2) / 3 = 1.25 / 3
        SameDiff sd = SameDiff.create();
        SDVariable z = sd.var("z", Nd4j.createFromArray(new double[][] {{3}, {2}, {5}}));
        DistillationLoss loss = DistillationLoss.regression(sd, z);
        double[] gold = {2.5, Double.NaN, 4};
        INDArray mean = Nd4j.createFromArray(new double[][] {{3.5}, {2}, {4}});
        assertEquals(0.625, value(sd, loss.placeholders(gold, mean, 1, 0)), EPS);
        assertEquals(1.25 / 3, value(sd, loss.placeholders(gold, mean, 0, 1)), EPS);
        assertEquals(2 * 0.625 + 3 * 1.25 / 3, value(sd, loss.placeholders(gold, mean, 2, 3)), EPS);
        assertFalse(sd.hasVariable(DistillationLoss.TEMPERATURE));
    }

    // ---- wiring ------------------------------------------------------------------------------------------

    @Test
    void lossVariableIsNamedAndRegistered() {
        Graph g = classification(DataType.DOUBLE, SoftLoss.KL);
        assertEquals(DistillationLoss.LOSS, g.loss.output().name());
        assertTrue(g.sd.getLossVariables().contains(DistillationLoss.LOSS));
        for (String name : new String[] {DistillationLoss.GOLD, DistillationLoss.GOLD_MASK,
                DistillationLoss.SOFT_TARGETS, DistillationLoss.TEMPERATURE, DistillationLoss.HARD_WEIGHT,
                DistillationLoss.SOFT_WEIGHT}) {
            assertTrue(g.sd.getVariable(name).isPlaceHolder(), name);
        }
    }

    @Test
    void badPlaceholderInputsAreRejected() {
        Graph g = classification(DataType.DOUBLE, SoftLoss.KL);
        INDArray p = targets(WeightingScheme.UNIFORM, GOLD, 1.0, false);
        assertThrows(IllegalArgumentException.class, () -> g.loss.placeholders(new int[] {0, 2}, p, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> g.loss.placeholders(new int[] {0}, p, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> g.loss.placeholders(GOLD, p, 0, 1, 1));
        assertThrows(IllegalStateException.class, () -> g.loss.placeholders(new double[] {1, 2}, p, 1, 1));
        SameDiff sd = SameDiff.create();
        SDVariable ints = sd.var("i", Nd4j.createFromArray(new int[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> DistillationLoss.classification(sd, ints, 2, SoftLoss.KL));
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** The student logits as a graph variable, with the loss on top. */
    private record Graph(SameDiff sd, DistillationLoss loss) {
        double value(int[] gold, INDArray targets, double t, double hardWeight, double softWeight) {
            return DistillationLossTest.value(sd, loss.placeholders(gold, targets, t, hardWeight, softWeight));
        }
    }

    private static Graph classification(DataType dt, SoftLoss softLoss) {
        SameDiff sd = SameDiff.create();
        SDVariable z = sd.var("z", Nd4j.createFromArray(STUDENT).castTo(dt));
        return new Graph(sd, DistillationLoss.classification(sd, z, 2, softLoss));
    }

    private static double value(SameDiff sd, Map<String, INDArray> feed) {
        return sd.output(feed, DistillationLoss.LOSS).get(DistillationLoss.LOSS).getDouble(0);
    }

    private static INDArray targets(WeightingScheme scheme, int[] gold, double t, boolean averageLogits) {
        return EnsembleTargets.compute(EnsembleTargetsTest.Z, gold, scheme, new double[] {1, 3}, t, averageLogits)
                .softTargets(DataType.DOUBLE);
    }

    /** KL(p || q) = sum_c p_c ln(p_c / q_c), all p_c > 0 here. */
    private static double kl(double[] p, double[] q) {
        double s = 0;
        for (int c = 0; c < p.length; c++) {
            s += p[c] * Math.log(p[c] / q[c]);
        }
        return s;
    }
}
