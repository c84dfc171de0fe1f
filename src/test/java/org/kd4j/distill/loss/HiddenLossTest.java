package org.kd4j.distill.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kd4j.config.SoftLoss;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.testing.FiniteDifferences;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The multi-teacher hidden loss: its value on arrays small enough to work out by hand, and its gradients (with respect
 * to the student's pooled input and to the projections, alone and inside the whole distillation loss) against central
 * finite differences in double precision.
 */
class HiddenLossTest {

    private static final double H = 1e-6;

    /**
     * Two examples, a student of width 2, teacher 0 of width 1 and teacher 1 of width 2:
     * <pre>
     * h  = [[1, 2], [0, -1]]
     * W0 = [[1], [0.5]], c0 = [[0]]          h W0 + c0 = [[2], [-0.5]]    t0 = [[1], [0]]
     *    squared errors [[1], [0.25]]                                      MSE0 = [1, 0.25]
     * W1 = I, c1 = [[0.5, 0]]                h W1 + c1 = [[1.5, 2], [0.5, -1]]    t1 = [[1, 2], [1, 0]]
     *    squared errors [[0.25, 0], [0.25, 1]]                             MSE1 = [0.125, 0.625]
     * w  = [[0.25, 0.75], [1, 0]]
     * L_hid = (0.25 * 1 + 1 * 0.25) / 2 + (0.75 * 0.125 + 0 * 0.625) / 2 = 0.25 + 0.046875 = 0.296875
     * term  = hiddenWeight 2 * L_hid = 0.59375
     * </pre>
     */
    @Test
    void handComputedValue() {
        SameDiff sd = SameDiff.create();
        SDVariable h = sd.var("h", Nd4j.createFromArray(new double[][] {{1, 2}, {0, -1}}));
        Map<String, INDArray> projections = new LinkedHashMap<>();
        projections.put(HiddenLoss.projection(0), Nd4j.createFromArray(new double[][] {{1}, {0.5}}));
        projections.put(HiddenLoss.bias(0), Nd4j.createFromArray(new double[][] {{0}}));
        projections.put(HiddenLoss.projection(1), Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}}));
        projections.put(HiddenLoss.bias(1), Nd4j.createFromArray(new double[][] {{0.5, 0}}));
        HiddenLoss loss = HiddenLoss.add(sd, h, projections);
        float[][][] targets = {{{1}, {0}}, {{1, 2}, {1, 0}}};
        double[][] weights = {{0.25, 0.75}, {1, 0}};
        Map<String, INDArray> feed = loss.placeholders(targets, weights, 2.0);
        double term = sd.output(feed, HiddenLoss.TERM).get(HiddenLoss.TERM).getDouble(0);
        assertEquals(0.59375, term, 1e-12);
        assertEquals(List.of(HiddenLoss.projection(0), HiddenLoss.bias(0), HiddenLoss.projection(1), HiddenLoss.bias(1)),
                loss.projectionNames());
        assertEquals(1, loss.teacherWidths()[0]);
        assertEquals(2, loss.teacherWidths()[1]);
        // a perfect match costs nothing: the same targets as the projections' outputs
        Map<String, INDArray> perfect = loss.placeholders(new float[][][] {{{2}, {-0.5f}}, {{1.5f, 2}, {0.5f, -1}}}, weights, 2.0);
        assertEquals(0.0, sd.output(perfect, HiddenLoss.TERM).get(HiddenLoss.TERM).getDouble(0), 1e-12);
    }

    @Test
    void addsToTheDistillationLossTotal() {
        Random rnd = new Random(3);
        Student s = student(rnd, 3, 4, 2);
        Map<String, INDArray> projections = HiddenLoss.initialProjections(4, new int[] {3, 5}, DataType.DOUBLE, 7);
        HiddenLoss hidden = HiddenLoss.add(s.sd, s.pooled, projections);
        DistillationLoss loss = DistillationLoss.classification(s.sd, s.logits, 2, SoftLoss.KL, hidden.term());
        Map<String, INDArray> feed = feed(rnd, loss, hidden, 3, new int[] {3, 5}, 2, 0.8);
        Map<String, INDArray> out = s.sd.output(feed, DistillationLoss.LOSS, HiddenLoss.TERM);
        double withHidden = out.get(DistillationLoss.LOSS).getDouble(0);
        double term = out.get(HiddenLoss.TERM).getDouble(0);
        assertTrue(term > 0, "term " + term);
        feed.put(HiddenLoss.WEIGHT, Nd4j.scalar(DataType.DOUBLE, 0.0));
        double without = s.sd.output(feed, DistillationLoss.LOSS).get(DistillationLoss.LOSS).getDouble(0);
        assertEquals(without + term, withHidden, 1e-12);
    }

    /** d term / d h and d term / d (W_k, c_k) of the hidden term alone. */
    @Test
    void gradientsOfTheTermMatchFiniteDifferences() {
        Random rnd = new Random(5);
        SameDiff sd = SameDiff.create();
        SDVariable h = sd.var("h", random(rnd, 3, 4));
        HiddenLoss loss = HiddenLoss.add(sd, h, HiddenLoss.initialProjections(4, new int[] {2, 3}, DataType.DOUBLE, 11));
        sd.setLossVariables(loss.term());
        Map<String, INDArray> feed = loss.placeholders(targets(rnd, 3, new int[] {2, 3}), weights(rnd, 3, 2), 1.7);
        List<String> names = List.of("h", HiddenLoss.projection(0), HiddenLoss.bias(0), HiddenLoss.projection(1),
                HiddenLoss.bias(1));
        Map<String, INDArray> grads = sd.calculateGradients(feed, names);
        FiniteDifferences.Result r = FiniteDifferences.check(sd, feed, HiddenLoss.TERM, copy(grads),
                g -> java.util.stream.LongStream.range(0, g.length()).toArray(), H, 1e-9, 1e-5, "hidden term");
        assertEquals(12 + 8 + 2 + 12 + 3, r.checked());
    }

    /**
     * The whole loss (hard + soft + hidden) of a student {@code pooled = tanh(x A)}, {@code z = pooled Wc + bc}: the
     * gradients reach the student's weights through both its logits and its pooled representation.
     */
    @Test
    void gradientsOfTheWholeLossMatchFiniteDifferences() {
        Random rnd = new Random(9);
        Student s = student(rnd, 3, 4, 3);
        HiddenLoss hidden = HiddenLoss.add(s.sd, s.pooled, HiddenLoss.initialProjections(4, new int[] {2, 5}, DataType.DOUBLE, 13));
        DistillationLoss loss = DistillationLoss.classification(s.sd, s.logits, 3, SoftLoss.KL, hidden.term());
        Map<String, INDArray> feed = feed(rnd, loss, hidden, 3, new int[] {2, 5}, 3, 0.6);
        List<String> names = List.of("A", "Wc", "bc", HiddenLoss.projection(0), HiddenLoss.bias(0), HiddenLoss.projection(1),
                HiddenLoss.bias(1));
        Map<String, INDArray> grads = s.sd.calculateGradients(feed, names);
        FiniteDifferences.Result r = FiniteDifferences.check(s.sd, feed, DistillationLoss.LOSS, copy(grads),
                g -> java.util.stream.LongStream.range(0, g.length()).toArray(), H, 1e-9, 1e-5, "whole loss");
        assertTrue(r.checked() > 50, "checked " + r.checked());
    }

    @Test
    void projectionsAreSeededAndNamedAsLossVariables() {
        Map<String, INDArray> a = HiddenLoss.initialProjections(4, new int[] {3}, DataType.FLOAT, 1);
        Map<String, INDArray> b = HiddenLoss.initialProjections(4, new int[] {3}, DataType.FLOAT, 1);
        Map<String, INDArray> c = HiddenLoss.initialProjections(4, new int[] {3}, DataType.FLOAT, 2);
        assertEquals(a, b);
        assertTrue(!a.get(HiddenLoss.projection(0)).equals(c.get(HiddenLoss.projection(0))));
        assertEquals(0.0, a.get(HiddenLoss.bias(0)).sumNumber().doubleValue());
        a.keySet().forEach(name -> assertTrue(name.startsWith(ClassifierGraph.LOSS_PREFIX), name));
    }

    @Test
    void misshapenTargetsAreRejected() {
        SameDiff sd = SameDiff.create();
        SDVariable h = sd.var("h", Nd4j.zeros(DataType.DOUBLE, 2, 4));
        HiddenLoss loss = HiddenLoss.add(sd, h, HiddenLoss.initialProjections(4, new int[] {3}, DataType.DOUBLE, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.placeholders(new float[][][] {{{1, 2}, {3, 4}}}, new double[][] {{1}, {1}}, 1.0));
        assertTrue(e.getMessage().contains("teacher 0: pooled representations must be [2,3], got [2,2]"), e.getMessage());
    }

    // ---------------------------------------------------------------- fixtures

    private record Student(SameDiff sd, SDVariable pooled, SDVariable logits) { }

    /** {@code x [B,F]} placeholder-free: x is a constant, {@code pooled = tanh(x A)} [B,D], {@code z = pooled Wc + bc}. */
    private static Student student(Random rnd, int batch, int width, int classes) {
        SameDiff sd = SameDiff.create();
        int features = 3;
        SDVariable x = sd.constant("x", random(rnd, batch, features));
        SDVariable a = sd.var("A", random(rnd, features, width));
        SDVariable pooled = sd.math().tanh(x.mmul(a));
        SDVariable wc = sd.var("Wc", random(rnd, width, classes));
        SDVariable bc = sd.var("bc", random(rnd, 1, classes));
        return new Student(sd, pooled, pooled.mmul(wc).add(bc));
    }

    private static Map<String, INDArray> feed(Random rnd, DistillationLoss loss, HiddenLoss hidden, int batch, int[] widths,
                                              int classes, double hiddenWeight) {
        double[][][] z = new double[widths.length][batch][classes];
        for (double[][] teacher : z) {
            for (double[] row : teacher) {
                for (int c = 0; c < classes; c++) {
                    row[c] = 2 * rnd.nextGaussian();
                }
            }
        }
        int[] gold = new int[batch];
        for (int b = 0; b < batch; b++) {
            gold[b] = b == 1 ? -1 : rnd.nextInt(classes);
        }
        EnsembleTargets targets = EnsembleTargets.compute(z, gold, org.kd4j.config.WeightingScheme.TEACHER_LOSS, null, 2.0, false);
        Map<String, INDArray> feed = new HashMap<>(loss.placeholders(gold, targets.softTargets(DataType.DOUBLE), 2.0, 0.5, 0.5));
        feed.putAll(hidden.placeholders(targets(rnd, batch, widths), targets.weights(), hiddenWeight));
        return feed;
    }

    private static float[][][] targets(Random rnd, int batch, int[] widths) {
        float[][][] t = new float[widths.length][batch][];
        for (int k = 0; k < widths.length; k++) {
            for (int b = 0; b < batch; b++) {
                t[k][b] = new float[widths[k]];
                for (int j = 0; j < widths[k]; j++) {
                    t[k][b][j] = (float) rnd.nextGaussian();
                }
            }
        }
        return t;
    }

    private static double[][] weights(Random rnd, int batch, int teachers) {
        double[][] w = new double[batch][teachers];
        for (double[] row : w) {
            double sum = 0;
            for (int k = 0; k < teachers; k++) {
                row[k] = 0.1 + rnd.nextDouble();
                sum += row[k];
            }
            for (int k = 0; k < teachers; k++) {
                row[k] /= sum;
            }
        }
        return w;
    }

    private static INDArray random(Random rnd, int rows, int cols) {
        double[][] v = new double[rows][cols];
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextGaussian() * 0.7;
            }
        }
        return Nd4j.createFromArray(v);
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> grads) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        grads.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }
}
