package org.kd4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The BiLSTM layer computed outside the graph ({@link BiLstm}) against the whole model as one SameDiff graph with
 * M2.1's {@code lstmLayer} and {@code reverseSequence} ops ({@link BiLstmGraph#whole}, itself checked by finite
 * differences in {@code ClassifierGraphsTest}): same logits and same gradients of every parameter and of the
 * embeddings, in double precision, on rows of different lengths; with the linear head and with a ReLU layer before it
 * ({@code head_units}).
 */
class BiLstmTest {

    private static final BiLstmConfig CONFIG = new BiLstmConfig(5, 4);
    private static final int[] LENGTHS = {6, 4, 1};
    private static final int LENGTH = 6;

    private static INDArray mask(int[] lengths, int length) {
        INDArray m = Nd4j.zeros(DataType.DOUBLE, lengths.length, length);
        for (int r = 0; r < lengths.length; r++) {
            m.get(NDArrayIndex.point(r), NDArrayIndex.interval(0, lengths[r])).assign(1);
        }
        return m;
    }

    /** sum(tanh(logits) * fixed weights): a scalar that depends on every logit. */
    private static SDVariable loss(SameDiff sd) {
        SDVariable weights = sd.constant("loss_weights", Nd4j.createFromArray(new double[] {0.3, -1.2, 0.8}).reshape(1, 3));
        SDVariable loss = sd.math().tanh(sd.getVariable(ClassifierGraph.LOGITS)).mul(weights).sum();
        sd.setLossVariables(loss);
        return loss;
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"0, 1", "6, 1", "0, 2", "6, 3"})
    void sameLogitsAndGradientsAsTheWholeGraphWithM21sLstmOps(int headUnits, int layers) {
        BiLstmConfig config = new BiLstmConfig(CONFIG.hidden(), CONFIG.units(), headUnits, layers);
        ClassifierGraph head = ClassifierGraphs.build(config, 3, DataType.DOUBLE, 11);
        BiLstm lstm = head.recurrent();
        // non-zero biases, so that their gradients and their use are checked too
        lstm.parameters().forEach((name, p) -> {
            if (name.endsWith("_b")) {
                p.assign(Nd4j.rand(DataType.DOUBLE, p.shape()).subi(0.5));
            }
        });
        if (headUnits > 0) {
            // a head bias that keeps some ReLU units on and others off, so that both sides of the kink are checked
            head.sd().getVariable("head_b").getArr().assign(Nd4j.createFromArray(new double[] {0.3, -0.3, 0.2, -0.2, 0.1, -0.1})
                    .reshape(1, 6));
        }
        SameDiff whole = BiLstmGraph.whole(config, 3, lstm, head.sd());
        INDArray x = Nd4j.rand(DataType.DOUBLE, LENGTHS.length, LENGTH, config.hidden()).subi(0.5);
        Map<String, INDArray> feed = new HashMap<>(Map.of(ClassifierGraph.MASK, mask(LENGTHS, LENGTH)));

        SDVariable wholeLoss = loss(whole);
        whole.getVariable(ClassifierGraph.EMBEDDINGS).setArray(x.dup());
        List<String> names = new ArrayList<>(new ClassifierGraph(whole, 3).trainableVariables());
        names.add(ClassifierGraph.EMBEDDINGS);
        Map<String, INDArray> want = org.kd4j.testing.PlatformHelpersOff.call(() -> whole.calculateGradients(feed, names.toArray(new String[0])));
        INDArray wantLogits = org.kd4j.testing.PlatformHelpersOff.call(() -> whole.output(feed, ClassifierGraph.LOGITS)).get(ClassifierGraph.LOGITS);

        loss(head.sd());
        head.sd().getVariable(ClassifierGraph.EMBEDDINGS).setArray(lstm.forward(x, LENGTHS));
        List<String> headNames = new ArrayList<>(head.trainableVariables());
        headNames.add(ClassifierGraph.EMBEDDINGS);
        INDArray logits = head.sd().output(feed, ClassifierGraph.LOGITS).get(ClassifierGraph.LOGITS);
        Map<String, INDArray> headGrads = head.sd().calculateGradients(feed, headNames.toArray(new String[0]));
        BiLstm.Gradients g = lstm.backward(headGrads.get(ClassifierGraph.EMBEDDINGS));
        Map<String, INDArray> got = new HashMap<>(headGrads);
        got.putAll(g.weights());
        got.put(ClassifierGraph.EMBEDDINGS, g.input());

        assertEquals(0.0, logits.sub(wantLogits).amaxNumber().doubleValue(), 1e-12, "logits");
        assertEquals(new java.util.TreeSet<>(want.keySet()), new java.util.TreeSet<>(got.keySet()));
        assertEquals(6 * layers + (headUnits == 0 ? 3 : 5), want.size(), "6 LSTM weights a layer, 2 of the classifier (and 2"
                + " of the ReLU layer) and the embeddings: " + want.keySet());
        for (String name : want.keySet()) {
            INDArray w = want.get(name);
            INDArray a = got.get(name).reshape(w.shape());
            double scale = Math.max(1e-3, w.amaxNumber().doubleValue());
            assertTrue(w.amaxNumber().doubleValue() > 0 || name.equals(ClassifierGraph.EMBEDDINGS), name + " has a gradient");
            assertEquals(0.0, a.sub(w).amaxNumber().doubleValue() / scale, 1e-10, "gradient of " + name);
        }
        // padding positions of the embeddings get no gradient
        assertEquals(0.0, got.get(ClassifierGraph.EMBEDDINGS).get(NDArrayIndex.point(2), NDArrayIndex.interval(1, LENGTH),
                NDArrayIndex.all()).amaxNumber().doubleValue(), 0.0);
        lstm.close();
    }

    /** The whole graph a BiLSTM model exports holds its current weights: same logits as the model's own path. */
    @ParameterizedTest
    @ValueSource(ints = {0, 7})
    void theExportedWholeGraphComputesTheModelsLogits(int headUnits) {
        TextClassifier model = TextClassifier.create(new BiLstmConfig(CONFIG.hidden(), CONFIG.units(), headUnits), 20, 3, 9);
        model.parameters().forEach((name, p) -> p.addi(Nd4j.rand(p.dataType(), p.shape()).subi(0.5).muli(0.1)));
        org.kd4j.data.batch.EncodedDataset data = new org.kd4j.data.batch.EncodedDataset(org.kd4j.data.glue.GlueTask.SST2,
                List.of(new org.kd4j.data.tokenize.Encoding(new int[] {1, 5, 7, 2}, new int[4]),
                        new org.kd4j.data.tokenize.Encoding(new int[] {1, 9, 2}, new int[3])),
                new int[] {0, 1}, new double[] {Double.NaN, Double.NaN}, 8);
        org.kd4j.data.batch.Batch batch = org.kd4j.data.batch.Batch.of(data, new int[] {0, 1}, 0, 0);
        float[][] logits = model.logits(batch);
        SameDiff whole = model.wholeGraph();
        whole.getVariable(ClassifierGraph.EMBEDDINGS).setArray(model.embeddings().forward(batch));
        INDArray mask = batch.matrix(batch.attentionMask()).castTo(DataType.FLOAT);
        INDArray want = org.kd4j.testing.PlatformHelpersOff.call(() -> whole.output(Map.of(ClassifierGraph.MASK, mask), ClassifierGraph.LOGITS))
                .get(ClassifierGraph.LOGITS);
        for (int r = 0; r < 2; r++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(want.getDouble(r, k), logits[r][k], 1e-5, "row " + r + " logit " + k);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void statesAtRealTokensDoNotDependOnPadding(int layers) {
        ClassifierGraph head = ClassifierGraphs.build(new BiLstmConfig(CONFIG.hidden(), CONFIG.units(), 0, layers), 3,
                DataType.DOUBLE, 5);
        BiLstm lstm = head.recurrent();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 7, CONFIG.hidden());
        INDArray padded = lstm.forward(x, new int[] {4, 7});
        INDArray alone = lstm.forward(x.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(0, 4), NDArrayIndex.all()).dup(),
                new int[] {4});
        assertArrayEquals(new long[] {2, 7, 2 * CONFIG.units()}, padded.shape());
        INDArray realOfRow0 = padded.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(0, 4), NDArrayIndex.all());
        assertEquals(0.0, realOfRow0.sub(alone).amaxNumber().doubleValue(), 1e-12);
        lstm.close();
    }

    /**
     * The float layer (its cells read and written through float buffers, with the one-exponential tanh) computes what the
     * double layer computes, to float's precision: states, weight gradients and the input's gradient, two layers.
     */
    @Test
    void theFloatLayerComputesWhatTheDoubleLayerComputes() {
        BiLstmConfig config = new BiLstmConfig(CONFIG.hidden(), CONFIG.units(), 0, 2);
        BiLstm exact = ClassifierGraphs.build(config, 3, DataType.DOUBLE, 13).recurrent();
        BiLstm single = ClassifierGraphs.build(config, 3, DataType.FLOAT, 13).recurrent();
        Nd4j.getRandom().setSeed(17);
        exact.parameters().forEach((name, p) -> {
            p.assign(Nd4j.rand(DataType.DOUBLE, p.shape()).subi(0.5).muli(2)); // biases too, and gates far from 0
            single.parameters().get(name).assign(p.castTo(DataType.FLOAT));
        });
        INDArray x = Nd4j.rand(DataType.DOUBLE, LENGTHS.length, LENGTH, config.hidden()).subi(0.5).muli(3);
        INDArray dOut = Nd4j.rand(DataType.DOUBLE, LENGTHS.length, LENGTH, 2 * config.units()).subi(0.5);
        INDArray want = exact.forward(x, LENGTHS);
        INDArray got = single.forward(x.castTo(DataType.FLOAT), LENGTHS);
        assertEquals(0.0, got.castTo(DataType.DOUBLE).sub(want).amaxNumber().doubleValue(), 1e-6, "states");
        BiLstm.Gradients wantGrads = exact.backward(dOut);
        BiLstm.Gradients gotGrads = single.backward(dOut.castTo(DataType.FLOAT));
        assertEquals(12, wantGrads.weights().size());
        wantGrads.weights().forEach((name, w) -> {
            double scale = Math.max(1e-3, w.amaxNumber().doubleValue());
            INDArray a = gotGrads.weights().get(name).castTo(DataType.DOUBLE);
            assertEquals(0.0, a.sub(w).amaxNumber().doubleValue() / scale, 1e-5, "gradient of " + name);
        });
        double scale = wantGrads.input().amaxNumber().doubleValue();
        assertEquals(0.0, gotGrads.input().castTo(DataType.DOUBLE).sub(wantGrads.input()).amaxNumber().doubleValue() / scale,
                1e-5, "gradient of the input");
        exact.close();
        single.close();
    }

    /**
     * The working arrays are reused from call to call and not cleared: a short batch after a long one, and the long one
     * again, give exactly what a layer that never ran before gives on each (nothing of an earlier call is read).
     */
    @Test
    void aCallReadsNothingLeftByTheCallsBeforeIt() {
        BiLstm used = ClassifierGraphs.build(CONFIG, 3, DataType.FLOAT, 23).recurrent();
        Nd4j.getRandom().setSeed(29);
        INDArray longX = Nd4j.rand(DataType.FLOAT, 3, 9, CONFIG.hidden()).subi(0.5);
        INDArray shortX = Nd4j.rand(DataType.FLOAT, 2, 4, CONFIG.hidden()).subi(0.5);
        int[] longLengths = {9, 5, 2};
        int[] shortLengths = {4, 3};
        INDArray longD = Nd4j.rand(DataType.FLOAT, 3, 9, 2 * CONFIG.units()).subi(0.5);
        INDArray shortD = Nd4j.rand(DataType.FLOAT, 2, 4, 2 * CONFIG.units()).subi(0.5);
        List<INDArray> first = run(used, longX, longLengths, longD);
        List<INDArray> second = run(used, shortX, shortLengths, shortD);
        List<INDArray> third = run(used, longX, longLengths, longD);
        BiLstm fresh = used.sharing(); // the same weights, working arrays of its own not yet allocated
        assertEquals(run(fresh, shortX, shortLengths, shortD), second);
        assertEquals(first, third);
        used.close();
        fresh.close();
        // closed, it allocates its working arrays again
        assertEquals(first, run(used, longX, longLengths, longD));
        used.close();
    }

    /** Copies of the states, every weight gradient and the input gradient of one forward and backward. */
    private static List<INDArray> run(BiLstm lstm, INDArray x, int[] lengths, INDArray dOut) {
        List<INDArray> out = new ArrayList<>();
        out.add(lstm.forward(x, lengths));
        BiLstm.Gradients g = lstm.backward(dOut);
        g.weights().values().forEach(w -> out.add(w.dup()));
        out.add(g.input().dup());
        return out;
    }

    @Test
    void cellsRejectArraysTheyCannotReadInPlace() {
        INDArray f = Nd4j.create(DataType.FLOAT, new long[] {4, 8}, 'f');
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LstmCells.Values.of(f));
        assertTrue(e.getMessage().contains("contiguous c-order") && e.getMessage().contains("order f"), e.getMessage());
        INDArray strided = Nd4j.create(DataType.FLOAT, 4, 8).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 4));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LstmCells.Values.of(strided)).getMessage().contains("strides [8, 1]"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LstmCells.Values.of(Nd4j.create(DataType.HALF, 2, 2))).getMessage().contains("got HALF"));
        // a contiguous view at an offset reads its own elements
        INDArray whole = Nd4j.arange(24).castTo(DataType.FLOAT).reshape(2, 3, 4);
        LstmCells.Values second = LstmCells.Values.of(whole.slice(1));
        assertEquals(12.0, second.get(0));
        assertEquals(23.0, second.get(11));
        second.put(1, -1.0);
        assertEquals(-1.0f, whole.getFloat(1, 0, 1));
    }

    /**
     * A one-layer model draws the weights it drew before layers could be stacked (its first layer's, first), and a deeper
     * one draws the same first layer, then its own: the names and shapes of each layer's weights.
     */
    @Test
    void stackedLayersKeepTheFirstLayersNamesAndDraws() {
        BiLstm one = ClassifierGraphs.build(CONFIG, 3, DataType.FLOAT, 21).recurrent();
        BiLstm two = ClassifierGraphs.build(new BiLstmConfig(CONFIG.hidden(), CONFIG.units(), 0, 2), 3, DataType.FLOAT, 21)
                .recurrent();
        assertEquals(List.of("lstm_fwd_w", "lstm_fwd_rw", "lstm_fwd_b", "lstm_bwd_w", "lstm_bwd_rw", "lstm_bwd_b"),
                List.copyOf(one.parameters().keySet()));
        assertEquals(List.of("lstm_fwd_w", "lstm_fwd_rw", "lstm_fwd_b", "lstm_bwd_w", "lstm_bwd_rw", "lstm_bwd_b",
                "lstm2_fwd_w", "lstm2_fwd_rw", "lstm2_fwd_b", "lstm2_bwd_w", "lstm2_bwd_rw", "lstm2_bwd_b"),
                List.copyOf(two.parameters().keySet()));
        one.parameters().forEach((name, p) -> assertEquals(p, two.parameters().get(name), name));
        assertArrayEquals(new long[] {2L * CONFIG.units(), 4L * CONFIG.units()}, two.parameters().get("lstm2_fwd_w").shape());
        assertEquals(2, two.depth());
    }

    @Test
    void reversalWithinLengthIsItsOwnInverse() {
        int[] map = BiLstm.reversal(new int[] {3, 1, 0}, 4);
        // time-major rows t * 3 + r: row 0 (length 3) reverses positions 0..2, row 1 keeps its single token, padding stays
        assertArrayEquals(new int[] {6, 1, 2, 3, 4, 5, 0, 7, 8, 9, 10, 11}, map);
        for (int i = 0; i < map.length; i++) {
            assertEquals(i, map[map[i]]);
        }
    }
}
