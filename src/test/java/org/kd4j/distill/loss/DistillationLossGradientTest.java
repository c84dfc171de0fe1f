package org.kd4j.distill.loss;

import org.kd4j.config.WeightingScheme;
import org.kd4j.config.SoftLoss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SameDiff's gradients of the loss against central finite differences in double precision, on the student
 * {@code z = x W + b} ({@code x} a placeholder {@code [B,F]}, W {@code [F,C]} and b {@code [1,C]} variables), with an
 * unlabeled row in every batch. (GradCheckUtil is not used: it rejects graphs with placeholders it cannot
 * differentiate, see the field notes.)
 */
class DistillationLossGradientTest {

    private static final int B = 3;
    private static final int F = 4;
    private static final double H = 1e-6;
    private static final double MAX_REL_ERROR = 1e-5;
    /** Below this absolute difference two gradients agree whatever their relative error (both ~0). */
    private static final double MIN_ABS_ERROR = 1e-9;

    @Test
    void klClassification() {
        Random rnd = new Random(11);
        int c = 3;
        Student s = student(rnd, c);
        DistillationLoss loss = DistillationLoss.classification(s.sd, s.logits, c, SoftLoss.KL);
        INDArray p = teacherTargets(rnd, c).softTargets(DataType.DOUBLE);
        Map<String, INDArray> feed = loss.placeholders(new int[] {2, -1, 0}, p, 2.5, 0.4, 0.6);
        check(s, feed);
    }

    @Test
    void klClassificationAtTemperatureOneSoftOnly() {
        Random rnd = new Random(12);
        int c = 2;
        Student s = student(rnd, c);
        DistillationLoss loss = DistillationLoss.classification(s.sd, s.logits, c, SoftLoss.KL);
        INDArray p = teacherTargets(rnd, c).softTargets(DataType.DOUBLE);
        check(s, loss.placeholders(new int[] {-1, 1, -1}, p, 1.0, 0.0, 1.0));
    }

    @Test
    void mseLogitsClassification() {
        Random rnd = new Random(13);
        int c = 3;
        Student s = student(rnd, c);
        DistillationLoss loss = DistillationLoss.classification(s.sd, s.logits, c, SoftLoss.MSE_LOGITS);
        INDArray zbar = teacherTargets(rnd, c).meanLogits(DataType.DOUBLE);
        check(s, loss.placeholders(new int[] {1, 0, -1}, zbar, 1.0, 0.7, 0.3));
    }

    @Test
    void regression() {
        Random rnd = new Random(14);
        Student s = student(rnd, 1);
        DistillationLoss loss = DistillationLoss.regression(s.sd, s.logits);
        INDArray mean = Nd4j.createFromArray(new double[][] {{1.5}, {-0.3}, {2.2}});
        check(s, loss.placeholders(new double[] {2.0, Double.NaN, 0.5}, mean, 0.8, 0.5));
    }

    @Test
    void floatGraphGradientsMatchTheCheckedDoubleOnes() {
        Random rnd = new Random(15);
        int c = 3;
        Student d = student(rnd, c);
        DistillationLoss dLoss = DistillationLoss.classification(d.sd, d.logits, c, SoftLoss.KL);
        INDArray p = teacherTargets(rnd, c).softTargets(DataType.DOUBLE);
        int[] gold = {2, -1, 0};
        Map<String, INDArray> dFeed = new HashMap<>(dLoss.placeholders(gold, p, 2.0, 0.4, 0.6));
        dFeed.put("x", d.x);
        Map<String, INDArray> expected = d.sd.calculateGradients(dFeed, "W", "b");

        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, F);
        SDVariable w = sd.var("W", d.sd.getVariable("W").getArr().castTo(DataType.FLOAT));
        SDVariable b = sd.var("b", d.sd.getVariable("b").getArr().castTo(DataType.FLOAT));
        DistillationLoss fLoss = DistillationLoss.classification(sd, x.mmul(w).add(b), c, SoftLoss.KL);
        Map<String, INDArray> fFeed = new HashMap<>(fLoss.placeholders(gold, p, 2.0, 0.4, 0.6));
        fFeed.put("x", d.x.castTo(DataType.FLOAT));
        Map<String, INDArray> actual = sd.calculateGradients(fFeed, "W", "b");
        for (String name : new String[] {"W", "b"}) {
            assertEquals(DataType.FLOAT, actual.get(name).dataType());
            INDArray diff = actual.get(name).castTo(DataType.DOUBLE).sub(expected.get(name));
            assertTrue(diff.amaxNumber().doubleValue() < 1e-5 * Math.max(1, expected.get(name).amaxNumber().doubleValue()),
                    name + ": float " + actual.get(name) + " vs double " + expected.get(name));
        }
    }

    // ---------------------------------------------------------------------------------------------------

    private record Student(SameDiff sd, SDVariable logits, INDArray x) {
    }

    private static Student student(Random rnd, int c) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, F);
        SDVariable w = sd.var("W", Nd4j.createFromArray(gaussian(rnd, F, c)));
        SDVariable b = sd.var("b", Nd4j.createFromArray(gaussian(rnd, 1, c)));
        SDVariable z = x.mmul(w).add(b);
        return new Student(sd, z, Nd4j.createFromArray(gaussian(rnd, B, F)));
    }

    /** Three random teachers, TEACHER_LOSS weights, soft targets at T = 2.5. */
    private static EnsembleTargets teacherTargets(Random rnd, int c) {
        double[][][] z = {gaussian(rnd, B, c), gaussian(rnd, B, c), gaussian(rnd, B, c)};
        return EnsembleTargets.compute(z, new int[] {0, -1, c - 1}, WeightingScheme.TEACHER_LOSS, null, 2.5, false);
    }

    private static void check(Student s, Map<String, INDArray> lossFeed) {
        Map<String, INDArray> feed = new HashMap<>(lossFeed);
        feed.put("x", s.x);
        Map<String, INDArray> grads = s.sd.calculateGradients(feed, "W", "b");
        int checked = 0;
        for (String name : new String[] {"W", "b"}) {
            INDArray param = s.sd.getVariable(name).getArr();
            INDArray analytic = grads.get(name);
            assertEquals(DataType.DOUBLE, analytic.dataType());
            for (long i = 0; i < param.length(); i++) {
                double orig = param.getDouble(i);
                param.putScalar(i, orig + H);
                double plus = loss(s.sd, feed);
                param.putScalar(i, orig - H);
                double minus = loss(s.sd, feed);
                param.putScalar(i, orig);
                double numeric = (plus - minus) / (2 * H);
                double a = analytic.getDouble(i);
                double abs = Math.abs(a - numeric);
                double rel = abs / Math.max(Math.abs(a), Math.abs(numeric));
                assertTrue(abs < MIN_ABS_ERROR || rel < MAX_REL_ERROR,
                        name + "[" + i + "]: analytic " + a + ", numeric " + numeric + ", relative error " + rel);
                checked++;
            }
        }
        assertEquals(s.sd.getVariable("W").getArr().length() + s.sd.getVariable("b").getArr().length(), checked);
        assertTrue(loss(s.sd, feed) > 0);
    }

    private static double loss(SameDiff sd, Map<String, INDArray> feed) {
        return sd.output(feed, DistillationLoss.LOSS).get(DistillationLoss.LOSS).getDouble(0);
    }

    private static double[][] gaussian(Random rnd, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return a;
    }
}
