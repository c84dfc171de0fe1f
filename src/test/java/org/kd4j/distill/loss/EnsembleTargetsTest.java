package org.kd4j.distill.loss;

import org.kd4j.config.WeightingScheme;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Ensemble weights and targets against numbers computed by hand (worked out in the comments). */
class EnsembleTargetsTest {

    private static final double EPS = 1e-12;
    private static final double LN2 = Math.log(2);
    private static final double LN3 = Math.log(3);
    private static final double LN4 = Math.log(4);

    // K = 2 teachers (A, B), B = 2 examples, C = 2 classes. Softmax at T = 1:
    //   A: ex0 [0, ln3] -> [1/4, 3/4]    ex1 [0, 0]   -> [1/2, 1/2]
    //   B: ex0 [0, 0]   -> [1/2, 1/2]    ex1 [ln4, 0] -> [4/5, 1/5]
    static final double[][][] Z = {
        {{0, LN3}, {0, 0}},
        {{0, 0}, {LN4, 0}},
    };

    @Test
    void uniformIsThePlainAverage() {
        EnsembleTargets t = EnsembleTargets.compute(Z, null, WeightingScheme.UNIFORM, null, 1.0, false);
        assertRows(new double[][] {{0.5, 0.5}, {0.5, 0.5}}, t.weights());
        // ex0: ([1/4, 3/4] + [1/2, 1/2]) / 2 = [3/8, 5/8]; ex1: ([1/2, 1/2] + [4/5, 1/5]) / 2 = [13/20, 7/20]
        assertRows(new double[][] {{3.0 / 8, 5.0 / 8}, {13.0 / 20, 7.0 / 20}}, t.softTargets());
        // mean logits: ex0 [0, ln3/2]; ex1 [ln4/2, 0] = [ln2, 0]
        assertRows(new double[][] {{0, LN3 / 2}, {LN2, 0}}, t.meanLogits());
        assertArrayEquals(new int[] {1, 0}, t.hardLabels());
    }

    @Test
    void uniformAtTemperatureTwo() {
        EnsembleTargets t = EnsembleTargets.compute(Z, null, WeightingScheme.UNIFORM, null, 2.0, false);
        // A ex0 at T=2: softmax([0, ln3 / 2]) = softmax([0, ln sqrt3]) = [1, sqrt3] / (1 + sqrt3); B ex0 [1/2, 1/2]
        double s3 = Math.sqrt(3);
        double p00 = (1 / (1 + s3) + 0.5) / 2;
        // ex1: A [1/2, 1/2]; B softmax([ln2, 0]) = [2/3, 1/3] -> mean [7/12, 5/12]
        assertRows(new double[][] {{p00, 1 - p00}, {7.0 / 12, 5.0 / 12}}, t.softTargets());
        // the weights and the mean logits do not depend on T
        assertRows(new double[][] {{0, LN3 / 2}, {LN2, 0}}, t.meanLogits());
    }

    @Test
    void averageLogitsTakesTheSoftmaxOfTheMeanLogits() {
        EnsembleTargets t1 = EnsembleTargets.compute(Z, null, WeightingScheme.UNIFORM, null, 1.0, true);
        // ex0: softmax([0, ln sqrt3]) = [1, sqrt3] / (1 + sqrt3); ex1: softmax([ln2, 0]) = [2/3, 1/3]
        double s3 = Math.sqrt(3);
        assertRows(new double[][] {{1 / (1 + s3), s3 / (1 + s3)}, {2.0 / 3, 1.0 / 3}}, t1.softTargets());
        EnsembleTargets t2 = EnsembleTargets.compute(Z, null, WeightingScheme.UNIFORM, null, 2.0, true);
        // T=2: ex0 softmax([0, ln3 / 4]) = [1, 3^(1/4)] / (1 + 3^(1/4)); ex1 softmax([ln2 / 2, 0]) = [sqrt2, 1] / (1 + sqrt2)
        double r = Math.pow(3, 0.25);
        double s2 = Math.sqrt(2);
        assertRows(new double[][] {{1 / (1 + r), r / (1 + r)}, {s2 / (1 + s2), 1 / (1 + s2)}}, t2.softTargets());
        assertArrayEquals(new int[] {1, 0}, t2.hardLabels());
    }

    @Test
    void fixedWeightsAreNormalised() {
        EnsembleTargets t = EnsembleTargets.compute(Z, null, WeightingScheme.FIXED, new double[] {1, 3}, 1.0, false);
        // (1, 3) / 4 = (1/4, 3/4) for every example
        assertRows(new double[][] {{0.25, 0.75}, {0.25, 0.75}}, t.weights());
        // ex0: 1/4 [1/4, 3/4] + 3/4 [1/2, 1/2] = [1/16 + 3/8, 3/16 + 3/8] = [7/16, 9/16]
        // ex1: 1/4 [1/2, 1/2] + 3/4 [4/5, 1/5] = [1/8 + 3/5, 1/8 + 3/20] = [29/40, 11/40]
        assertRows(new double[][] {{7.0 / 16, 9.0 / 16}, {29.0 / 40, 11.0 / 40}}, t.softTargets());
        // mean logits: ex0 [0, ln3 / 4]; ex1 [3/4 ln4, 0]
        assertRows(new double[][] {{0, LN3 / 4}, {0.75 * LN4, 0}}, t.meanLogits());
    }

    @Test
    void confidenceWeightsByMaxProbability() {
        EnsembleTargets t = EnsembleTargets.compute(Z, null, WeightingScheme.CONFIDENCE, null, 1.0, false);
        // ex0: max probs (3/4, 1/2) -> (3/5, 2/5); ex1: (1/2, 4/5) -> (5/13, 8/13)
        assertRows(new double[][] {{0.6, 0.4}, {5.0 / 13, 8.0 / 13}}, t.weights());
        // ex0: 3/5 [1/4, 3/4] + 2/5 [1/2, 1/2] = [0.15 + 0.2, 0.45 + 0.2] = [0.35, 0.65]
        // ex1: (5 [1/2, 1/2] + 8 [4/5, 1/5]) / 13 = [8.9, 4.1] / 13
        assertRows(new double[][] {{0.35, 0.65}, {8.9 / 13, 4.1 / 13}}, t.softTargets());
    }

    @Test
    void teacherLossGivesTheLowerLossTeacherTheHigherWeight() {
        // ex0 gold 0: p_A(0) = 1/4 (CE ln4), p_B(0) = 1/2 (CE ln2): B has the lower loss.
        //   softmax(-ln4, -ln2) = (1/4, 1/2) / (3/4) = (1/3, 2/3)
        // ex1 gold 1: p_A(1) = 1/2, p_B(1) = 1/5 -> (1/2, 1/5) / (7/10) = (5/7, 2/7): A has the lower loss.
        EnsembleTargets t = EnsembleTargets.compute(Z, new int[] {0, 1}, WeightingScheme.TEACHER_LOSS, null, 1.0, false);
        double[][] w = t.weights();
        assertRows(new double[][] {{1.0 / 3, 2.0 / 3}, {5.0 / 7, 2.0 / 7}}, w);
        assertTrue(w[0][1] > w[0][0]);
        assertTrue(w[1][0] > w[1][1]);
        // ex0: 1/3 [1/4, 3/4] + 2/3 [1/2, 1/2] = [1/12 + 1/3, 1/4 + 1/3] = [5/12, 7/12]
        assertArrayEquals(new double[] {5.0 / 12, 7.0 / 12}, t.softTargets()[0], EPS);
    }

    @Test
    void teacherLossFallsBackToConfidenceForUnlabeledExamples() {
        EnsembleTargets t = EnsembleTargets.compute(Z, new int[] {0, -1}, WeightingScheme.TEACHER_LOSS, null, 1.0, false);
        // ex0 labeled: (1/3, 2/3) as above; ex1 unlabeled: CONFIDENCE (5/13, 8/13)
        assertRows(new double[][] {{1.0 / 3, 2.0 / 3}, {5.0 / 13, 8.0 / 13}}, t.weights());
    }

    @Test
    void weightsSumToOneAndTargetsAreDistributionsForRandomLogits() {
        Random rnd = new Random(42);
        int k = 3;
        int b = 5;
        int c = 4;
        double[][][] z = new double[k][b][c];
        for (double[][] t : z) {
            for (double[] row : t) {
                for (int i = 0; i < c; i++) {
                    row[i] = rnd.nextGaussian() * 3;
                }
            }
        }
        int[] gold = {0, 3, -1, 2, 1};
        for (WeightingScheme scheme : WeightingScheme.values()) {
            for (boolean avg : new boolean[] {false, true}) {
                EnsembleTargets t = EnsembleTargets.compute(z, gold, scheme, new double[] {2, 0, 1}, 1.7, avg);
                for (int i = 0; i < b; i++) {
                    assertEquals(1.0, sum(t.weights()[i]), EPS, scheme + " weights row " + i);
                    assertEquals(1.0, sum(t.softTargets()[i]), EPS, scheme + " targets row " + i);
                    for (double w : t.weights()[i]) {
                        assertTrue(w >= 0);
                    }
                }
            }
        }
    }

    @Test
    void largeLogitsDoNotOverflow() {
        double[][][] z = {{{1000, 0}}, {{-1000, 1000}}};
        EnsembleTargets t = EnsembleTargets.compute(z, new int[] {0}, WeightingScheme.TEACHER_LOSS, null, 1.0, false);
        // teacher 0 is right with probability ~1, teacher 1 has CE ~2000: all weight on teacher 0
        assertArrayEquals(new double[] {1, 0}, t.weights()[0], EPS);
        assertArrayEquals(new double[] {1, 0}, t.softTargets()[0], EPS);
    }

    @Test
    void indArrayAndFloatInputsGiveTheSameTargets() {
        float[][][] zf = new float[2][2][2];
        for (int k = 0; k < 2; k++) {
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 2; c++) {
                    zf[k][b][c] = (float) Z[k][b][c];
                }
            }
        }
        EnsembleTargets fromFloat = EnsembleTargets.compute(zf, null, WeightingScheme.CONFIDENCE, null, 2.0, false);
        EnsembleTargets fromNd = EnsembleTargets.compute(Nd4j.createFromArray(zf), null, WeightingScheme.CONFIDENCE,
                null, 2.0, false);
        assertRows(fromFloat.softTargets(), fromNd.softTargets());
        assertEquals(DataType.DOUBLE, fromNd.softTargets(DataType.DOUBLE).dataType());
        assertArrayEquals(new long[] {2, 2}, fromNd.softTargets(DataType.FLOAT).shape());
    }

    @Test
    void regressionTargetIsTheWeightedMeanPrediction() {
        // STS-B: C = 1, two teachers predict 3.0 and 4.0 for one example; FIXED (1, 1) -> mean 3.5
        double[][][] z = {{{3.0}}, {{4.0}}};
        EnsembleTargets t = EnsembleTargets.compute(z, null, WeightingScheme.FIXED, new double[] {1, 1}, 1.0, false);
        assertEquals(3.5, t.meanLogits()[0][0], EPS);
        // CONFIDENCE with C = 1: every max probability is 1 -> uniform
        assertRows(new double[][] {{0.5, 0.5}},
                EnsembleTargets.compute(z, null, WeightingScheme.CONFIDENCE, null, 1.0, false).weights());
    }

    @Test
    void regressionTeacherLossWeightsBySquaredError() {
        // STS-B: two teachers predict 3.0 and 4.0; gold 4.0: squared errors 1 and 0 -> softmax(-1, 0) = (1, e) / (1 + e)
        //   target: (3 + 4e) / (1 + e). Second example unlabeled (NaN): confidence, uniform for C = 1 -> 3.5
        double[][][] z = {{{3.0}, {3.0}}, {{4.0}, {4.0}}};
        double e = Math.E;
        EnsembleTargets t = EnsembleTargets.compute(z, null, new double[] {4.0, Double.NaN}, WeightingScheme.TEACHER_LOSS,
                null, 1.0, false);
        assertRows(new double[][] {{1 / (1 + e), e / (1 + e)}, {0.5, 0.5}}, t.weights());
        assertEquals((3 + 4 * e) / (1 + e), t.meanLogits()[0][0], EPS);
        assertEquals(3.5, t.meanLogits()[1][0], EPS);
        // gold halfway (3.5): equal errors -> equal weights
        assertRows(new double[][] {{0.5, 0.5}}, EnsembleTargets.compute(new double[][][] {{{3.0}}, {{4.0}}}, null,
                new double[] {3.5}, WeightingScheme.TEACHER_LOSS, null, 1.0, false).weights());
        // the other schemes ignore the scores
        assertRows(new double[][] {{0.5, 0.5}, {0.5, 0.5}}, EnsembleTargets.compute(z, null, new double[] {4.0, 4.0},
                WeightingScheme.CONFIDENCE, null, 1.0, false).weights());
        // through the combination the training loop uses (float logits)
        float[][][] zf = {{{3f}, {3f}}, {{4f}, {4f}}};
        EnsembleTargets viaCombination = new EnsembleTargets.Combination(WeightingScheme.TEACHER_LOSS, null, false)
                .targets(zf, null, new double[] {4.0, Double.NaN}, 1.0);
        assertRows(t.weights(), viaCombination.weights());
    }

    @Test
    void goldScoresAreOnlyForRegression() {
        double[][][] z = {{{3.0}}, {{4.0}}};
        IllegalArgumentException twoClasses = assertThrows(IllegalArgumentException.class, () -> EnsembleTargets.compute(Z,
                null, new double[] {1, 2}, WeightingScheme.TEACHER_LOSS, null, 1.0, false));
        assertTrue(twoClasses.getMessage().contains("2 outputs"), twoClasses.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EnsembleTargets.compute(z, new int[] {0}, new double[] {1},
                WeightingScheme.TEACHER_LOSS, null, 1.0, false));
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> EnsembleTargets.compute(z, null,
                new double[] {1, 2}, WeightingScheme.TEACHER_LOSS, null, 1.0, false));
        assertTrue(count.getMessage().contains("2 scores for 1 examples"), count.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EnsembleTargets.compute(z, null,
                new double[] {Double.POSITIVE_INFINITY}, WeightingScheme.TEACHER_LOSS, null, 1.0, false));
    }

    @Test
    void badInputsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> EnsembleTargets.compute(Z, null, WeightingScheme.FIXED, new double[] {1}, 1.0, false));
        assertThrows(IllegalArgumentException.class,
                () -> EnsembleTargets.compute(Z, null, WeightingScheme.FIXED, new double[] {0, 0}, 1.0, false));
        assertThrows(IllegalArgumentException.class,
                () -> EnsembleTargets.compute(Z, null, WeightingScheme.FIXED, new double[] {-1, 2}, 1.0, false));
        assertThrows(IllegalArgumentException.class,
                () -> EnsembleTargets.compute(Z, null, WeightingScheme.UNIFORM, null, 0.0, false));
        assertThrows(IllegalArgumentException.class,
                () -> EnsembleTargets.compute(Z, new int[] {0, 2}, WeightingScheme.TEACHER_LOSS, null, 1.0, false));
        assertThrows(IllegalArgumentException.class,
                () -> EnsembleTargets.compute(Z, new int[] {0}, WeightingScheme.TEACHER_LOSS, null, 1.0, false));
    }

    private static void assertRows(double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], EPS, "row " + i);
        }
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    @Test
    void theEnsemblesPredictionIsItsTargetsAtTemperatureOne() {
        float[][][] z = {{{2f, -1f}, {0.5f, 0.2f}}, {{-0.3f, 1.1f}, {3f, 0f}}};
        for (WeightingScheme scheme : WeightingScheme.values()) {
            EnsembleTargets.Combination c = new EnsembleTargets.Combination(scheme,
                    scheme == WeightingScheme.FIXED ? java.util.List.of(1.0, 3.0) : java.util.List.of(), false);
            double[][] p = EnsembleTargets.compute(z, null, scheme, scheme == WeightingScheme.FIXED ? new double[] {1, 3} : null,
                    1.0, false).softTargets();
            float[][] predicted = c.predict(z, false);
            for (int b = 0; b < p.length; b++) {
                for (int k = 0; k < p[b].length; k++) {
                    org.junit.jupiter.api.Assertions.assertEquals((float) p[b][k], predicted[b][k], 0f, scheme + " [" + b + "][" + k + "]");
                }
            }
        }
        float[][][] scores = {{{4f}, {1f}}, {{2f}, {3f}}};
        float[][] mean = EnsembleTargets.Combination.uniform().predict(scores, true);
        org.junit.jupiter.api.Assertions.assertEquals(3f, mean[0][0], 1e-6f);
        org.junit.jupiter.api.Assertions.assertEquals(2f, mean[1][0], 1e-6f);
    }
}
