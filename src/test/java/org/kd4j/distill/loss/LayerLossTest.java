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
import org.kd4j.config.LayerDistillation;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.testing.FiniteDifferences;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The intermediate-layer loss on hand-sized arrays (values worked out in the comments) and its gradients with respect to
 * the student's layer states, attention logits and the projection, against central finite differences in double
 * precision, head by head and with heads averaged.
 */
class LayerLossTest {

    private static final List<LayerDistillation.Pair> MAP = List.of(new LayerDistillation.Pair(0, 0));

    /**
     * One example of two tokens, the second padding (mask [1, 0]); student width 2, teacher width 1, one head each.
     * <pre>
     * S = [[1, 2], [5, 5]], W = [[1], [1]], c = 0: projected [[3], [10]]; T = [[2], [100]]
     * HID = (1 * (3 - 2)^2 + 0 * ...) / 1 = 1
     * student attention, query 0: [0.5, 0.5]; teacher: [1, 0]   KL = 1 * (log 1 - log 0.5) = log 2
     * query 1 is padding (masked)                                  ATT = log 2
     * term = 0.5 * HID + 2 * ATT = 0.5 + 2 log 2 = 1.8862943611198906
     * </pre>
     */
    @Test
    void handComputedHeadByHead() {
        SameDiff sd = SameDiff.create();
        sd.placeHolder(ClassifierGraph.MASK, DataType.DOUBLE, -1, -1);
        sd.var(ClassifierGraph.layerOutput(0), Nd4j.createFromArray(new double[][] {{1, 2}, {5, 5}}));
        sd.var(ClassifierGraph.layerAttention(0), Nd4j.createFromArray(new double[][][][] {{{{0.5, 0.5}, {0.25, 0.75}}}}));
        Map<String, INDArray> projections = new LinkedHashMap<>();
        projections.put(LayerLoss.projection(0), Nd4j.createFromArray(new double[][] {{1}, {1}}));
        projections.put(LayerLoss.bias(0), Nd4j.createFromArray(new double[][] {{0}}));
        LayerLoss loss = LayerLoss.add(sd, MAP, new LayerLoss.Shape(2, 1, 1), new LayerLoss.Shape(1, 1, 1), projections);
        Map<String, INDArray> teacher = Map.of(
                ClassifierGraph.layerOutput(0), Nd4j.createFromArray(new double[][] {{2}, {100}}),
                ClassifierGraph.layerAttention(0), Nd4j.createFromArray(new double[][][][] {{{{1, 0}, {0.5, 0.5}}}}));
        Map<String, INDArray> feed = new HashMap<>(loss.placeholders(teacher, 0.5, 2.0));
        feed.put(ClassifierGraph.MASK, Nd4j.createFromArray(new double[][] {{1, 0}}));
        assertEquals(0.5 + 2 * Math.log(2), sd.output(feed, LayerLoss.TERM).get(LayerLoss.TERM).getDouble(0), 1e-12);
        assertEquals(List.of(ClassifierGraph.layerOutput(0), ClassifierGraph.layerAttention(0)), loss.teacherOutputs());
    }

    /**
     * Two student heads against one teacher head: both sides averaged over heads first. One example, two real tokens,
     * equal widths (no projection), states equal (HID = 0).
     * <pre>
     * student query 0: head 0 [0.5, 0.5], head 1 [0.9, 0.1] -> mean [0.7, 0.3]; teacher [0.6, 0.4]
     *   KL = 0.6 log(0.6/0.7) + 0.4 log(0.4/0.3) = 0.022582421084357485
     * query 1: both heads and the teacher [0.5, 0.5]: KL = 0
     * ATT = (0.0225824... + 0) / 2 = 0.011291210542178742; term = 1 * ATT
     * </pre>
     */
    @Test
    void handComputedWithHeadsAveraged() {
        SameDiff sd = SameDiff.create();
        sd.placeHolder(ClassifierGraph.MASK, DataType.DOUBLE, -1, -1);
        sd.var(ClassifierGraph.layerOutput(0), Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}}));
        sd.var(ClassifierGraph.layerAttention(0), Nd4j.createFromArray(new double[][][][] {
                {{{0.5, 0.5}, {0.5, 0.5}}, {{0.9, 0.1}, {0.5, 0.5}}}}));
        LayerLoss loss = LayerLoss.add(sd, MAP, new LayerLoss.Shape(2, 2, 1), new LayerLoss.Shape(2, 1, 1), Map.of());
        assertEquals(List.of(), loss.projectionNames());
        Map<String, INDArray> teacher = Map.of(
                ClassifierGraph.layerOutput(0), Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}}),
                ClassifierGraph.layerAttention(0), Nd4j.createFromArray(new double[][][][] {{{{0.6, 0.4}, {0.5, 0.5}}}}));
        Map<String, INDArray> feed = new HashMap<>(loss.placeholders(teacher, 1.0, 1.0));
        feed.put(ClassifierGraph.MASK, Nd4j.createFromArray(new double[][] {{1, 1}}));
        assertEquals(0.011291210542178742, sd.output(feed, LayerLoss.TERM).get(LayerLoss.TERM).getDouble(0), 1e-12);
    }

    @Test
    void gradientsHeadByHeadMatchFiniteDifferences() {
        check(2, 2, 3, 2);
    }

    @Test
    void gradientsWithHeadsAveragedMatchFiniteDifferences() {
        check(2, 4, 3, 3);
    }

    @Test
    void layersAModelDoesNotHaveAreNamed() {
        List<LayerDistillation.Pair> map = List.of(new LayerDistillation.Pair(0, 1), new LayerDistillation.Pair(1, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerLoss.check(map, new LayerLoss.Shape(16, 2, 2), new LayerLoss.Shape(24, 4, 3), "bert"));
        assertEquals("distill.layers.map[1].teacher = 5: teacher bert has layers 0..2", e.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> LayerLoss.check(map, new LayerLoss.Shape(16, 2, 1), new LayerLoss.Shape(24, 4, 3), "bert"));
        assertEquals("distill.layers.map[1].student = 1: the student has layers 0..0", s.getMessage());
    }

    /**
     * Two examples of three tokens (the second with one padding position), states {@code [6, ds]} and attention logits
     * {@code [2, hs, 3, 3]} as variables, attention = softmax(logits) renamed to the layer's name, as in the graph.
     */
    private static void check(int studentHeads, int teacherHeads, int studentWidth, int teacherWidth) {
        Random rnd = new Random(studentHeads * 31L + teacherHeads);
        int batch = 2;
        int length = 3;
        SameDiff sd = SameDiff.create();
        sd.placeHolder(ClassifierGraph.MASK, DataType.DOUBLE, -1, -1);
        sd.var(ClassifierGraph.layerOutput(0), random(rnd, batch * length, studentWidth));
        SDVariable logits = sd.var("attention_logits", Nd4j.createFromArray(randomData(rnd, batch * studentHeads * length * length))
                .reshape(batch, studentHeads, length, length));
        SDVariable probabilities = sd.nn().softmax(logits, 3);
        sd.updateVariableNameAndReference(probabilities, ClassifierGraph.layerAttention(0));
        LayerLoss.Shape student = new LayerLoss.Shape(studentWidth, studentHeads, 1);
        LayerLoss.Shape teacher = new LayerLoss.Shape(teacherWidth, teacherHeads, 1);
        LayerLoss loss = LayerLoss.add(sd, MAP, student, teacher,
                LayerLoss.initialProjections(1, student, teacher, DataType.DOUBLE, 3));
        sd.setLossVariables(loss.term());
        INDArray teacherAttention = Nd4j.createFromArray(randomData(rnd, batch * teacherHeads * length * length))
                .reshape(batch, teacherHeads, length, length);
        teacherAttention = org.nd4j.linalg.ops.transforms.Transforms.softmax(teacherAttention.reshape(-1, length))
                .reshape(batch, teacherHeads, length, length);
        Map<String, INDArray> feed = new HashMap<>(loss.placeholders(Map.of(
                ClassifierGraph.layerOutput(0), random(rnd, batch * length, teacherWidth),
                ClassifierGraph.layerAttention(0), teacherAttention), 0.7, 1.3));
        feed.put(ClassifierGraph.MASK, Nd4j.createFromArray(new double[][] {{1, 1, 1}, {1, 1, 0}}));
        List<String> names = new java.util.ArrayList<>(List.of(ClassifierGraph.layerOutput(0), "attention_logits"));
        names.addAll(loss.projectionNames());
        Map<String, INDArray> grads = sd.calculateGradients(feed, names);
        Map<String, INDArray> copies = new LinkedHashMap<>();
        grads.forEach((k, v) -> copies.put(k, v.dup()));
        FiniteDifferences.Result r = FiniteDifferences.check(sd, feed, LayerLoss.TERM, copies,
                g -> java.util.stream.LongStream.range(0, g.length()).toArray(), 1e-6, 1e-9, 1e-5, "layer loss");
        assertTrue(r.checked() >= batch * length * studentWidth + batch * studentHeads * length * length, "checked " + r.checked());
        // padding positions of the student's states get no gradient
        INDArray statesGrad = grads.get(ClassifierGraph.layerOutput(0));
        assertEquals(0.0, statesGrad.getRow(5).amaxNumber().doubleValue(), 0.0);
    }

    private static INDArray random(Random rnd, int rows, int cols) {
        return Nd4j.createFromArray(randomData(rnd, rows * cols)).reshape(rows, cols);
    }

    private static double[] randomData(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }
}
