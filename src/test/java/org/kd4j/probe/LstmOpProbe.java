package org.kd4j.probe;

import java.util.Map;
import org.kd4j.util.NativeGarbage;
import org.kd4j.util.Nd4jProcess;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.LSTMLayer;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMLayerConfig;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.weights.LSTMLayerWeights;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: one M2.1 {@code lstmLayer} run again and again at a fixed shape, resident memory after a collection
 * every N runs. {@code probe.mode}: fwd (SameDiff output), grad (SameDiff gradients), exec (the op called directly),
 * reverse (a reverseSequence graph's gradients, no LSTM); {@code probe.steps}, {@code probe.every},
 * {@code probe.batch} (32), {@code probe.length} (64), {@code probe.hidden} (128).
 */
public final class LstmOpProbe {

    private LstmOpProbe() {}

    public static void main(String[] args) {
        String mode = System.getProperty("probe.mode", "grad");
        int steps = Integer.getInteger("probe.steps", 100);
        int every = Integer.getInteger("probe.every", 25);
        int b = Integer.getInteger("probe.batch", 32);
        int t = Integer.getInteger("probe.length", 64);
        int h = Integer.getInteger("probe.hidden", 128);
        NativeGarbage.applyMmapThreshold();
        Nd4jProcess.threadsPerOp(1);
        Nd4j.getEnvironment().allowHelpers(false);
        LSTMLayerConfig config = LSTMLayerConfig.builder().lstmdataformat(LSTMDataFormat.NTS).directionMode(LSTMDirectionMode.FWD)
                .gateAct(LSTMActivations.SIGMOID).cellAct(LSTMActivations.TANH).outAct(LSTMActivations.TANH)
                .retFullSequence(true).retLastH(false).retLastC(false).build();
        INDArray w = Nd4j.rand(DataType.FLOAT, h, 4 * h).subi(0.5).muli(0.1);
        INDArray rw = Nd4j.rand(DataType.FLOAT, h, 4 * h).subi(0.5).muli(0.1);
        INDArray bias = Nd4j.zeros(DataType.FLOAT, 4 * h);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.rand(DataType.FLOAT, b, t, h));
        SDVariable out;
        if (mode.equals("control")) {
            out = sd.math().tanh(x).mul(2.0);
        } else if (mode.equals("reverse")) {
            SDVariable lengths = sd.constant("len", Nd4j.valueArrayOf(new long[] {b}, t - 1, DataType.INT32));
            out = sd.reverseSequence(x, lengths, 1, 0).mul(2.0);
        } else {
            LSTMLayerWeights weights = LSTMLayerWeights.builder().weights(sd.var("w", w)).rWeights(sd.var("rw", rw)).bias(sd.var("b", bias)).build();
            out = sd.rnn().lstmLayer(x, weights, config)[0];
        }
        SDVariable loss = out.sum("loss");
        sd.setLossVariables(loss);
        if (mode.equals("micro")) {
            INDArray big = Nd4j.rand(DataType.FLOAT, t, b, 4 * h);
            rw.assign(rw.castTo(DataType.FLOAT));
            INDArray small = Nd4j.rand(DataType.FLOAT, b, h);
            INDArray other = Nd4j.rand(DataType.FLOAT, b, h);
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                int n = 20000;
                for (int k = 0; k < n; k++) {
                    big.slice(k % t);
                }
                long t1 = System.nanoTime();
                for (int k = 0; k < n; k++) {
                    big.slice(k % t).get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(h, 2 * h));
                }
                long t2 = System.nanoTime();
                for (int k = 0; k < n; k++) {
                    small.muli(other);
                }
                long t3 = System.nanoTime();
                INDArray view = big.slice(3).get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(h, 2 * h));
                for (int k = 0; k < n; k++) {
                    view.muli(other);
                }
                long t4 = System.nanoTime();
                for (int k = 0; k < n; k++) {
                    Nd4j.gemm(small, rw, big.slice(1), false, false, 1.0, 1.0);
                }
                long t5 = System.nanoTime();
                System.out.printf("step micro: slice %.1f us, slice+get %.1f us, muli %.1f us, muli on a view %.1f us, gemm+views %.1f us%n",
                        (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n, (t3 - t2) / 1e3 / n, (t4 - t3) / 1e3 / n, (t5 - t4) / 1e3 / n);
            }
            System.exit(0);
        }
        if (mode.equals("java") || mode.equals("opbptime")) {
            // time per forward + backward of both directions: kd4j's BiLstm, or M2.1's lstmLayer + lstmLayer_bp x 2
            org.kd4j.model.BiLstm lstm = org.kd4j.model.TextClassifier.create(org.kd4j.model.ModelConfig.of(
                    org.kd4j.model.ModelType.BILSTM, 1, h, 1, h, 8, org.kd4j.model.Pooling.MEAN), 10, 2, 1).graph().recurrent();
            int[] lengths = new int[b];
            java.util.Arrays.fill(lengths, t);
            INDArray xa = x.getArr();
            INDArray dOut = Nd4j.rand(DataType.FLOAT, b, t, 2 * h);
            long t0 = 0;
            for (int s = 0; s <= steps; s++) {
                if (s == 1) {
                    t0 = System.nanoTime();
                }
                if (mode.equals("java")) {
                    lstm.forward(xa, lengths);
                    lstm.backward(dOut);
                } else {
                    for (int d = 0; d < 2; d++) {
                        for (String name : new String[] {"lstmLayer", "lstmLayer_bp"}) {
                            org.nd4j.linalg.api.ops.DynamicCustomOp.DynamicCustomOpsBuilder op = org.nd4j.linalg.api.ops.DynamicCustomOp
                                    .builder(name).addIntegerArguments(1, 0, 2, 0, 0).addFloatingPointArguments(0.0)
                                    .addBooleanArguments(true, false, false, false, false, true, false, false);
                            op = name.equals("lstmLayer") ? op.addInputs(xa, w, rw, bias) : op.addInputs(xa, w, rw, bias, dOut.get(
                                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, h)).dup());
                            for (INDArray o : Nd4j.exec(op.build())) {
                                o.close();
                            }
                        }
                    }
                }
            }
            System.out.printf("step timing %s: %.2f ms per forward + backward of [%d, %d, %d], %d units per direction%n", mode,
                    (System.nanoTime() - t0) / 1e6 / steps, b, t, h, h);
            System.exit(0);
        }
        long first = 0;
        long start = System.nanoTime();
        for (int s = 1; s <= steps; s++) {
            switch (mode) {
                case "fwd" -> sd.output(Map.of(), "loss");
                case "opfwd", "opbp", "oprev" -> {
                    INDArray xa = x.getArr();
                    org.nd4j.linalg.api.ops.DynamicCustomOp.DynamicCustomOpsBuilder op;
                    if (mode.equals("oprev")) {
                        op = org.nd4j.linalg.api.ops.DynamicCustomOp.builder("reverse_sequence_bp")
                                .addInputs(xa, Nd4j.valueArrayOf(new long[] {b}, t - 1, DataType.INT32), xa).addIntegerArguments(1, 0);
                    } else {
                        op = org.nd4j.linalg.api.ops.DynamicCustomOp.builder(mode.equals("opfwd") ? "lstmLayer" : "lstmLayer_bp")
                                .addIntegerArguments(1, 0, 2, 0, 0).addFloatingPointArguments(0.0)
                                .addBooleanArguments(true, false, false, false, false, true, false, false);
                        op = mode.equals("opfwd") ? op.addInputs(xa, w, rw, bias) : op.addInputs(xa, w, rw, bias, Nd4j.onesLike(xa));
                    }
                    for (INDArray a : Nd4j.exec(op.build())) {
                        a.close();
                    }
                }
                case "exec" -> {
                    INDArray[] o = Nd4j.exec(new LSTMLayer(x.getArr(), null, null, null,
                            LSTMLayerWeights.builder().iWeights(w).irWeights(rw).iBias(bias).build(), config));
                    for (INDArray a : o) {
                        a.close();
                    }
                }
                default -> sd.calculateGradients(Map.of(), "x", mode.equals("reverse") || mode.equals("control") ? "x" : "w");
            }
            if (s % every == 0 || s == 1) {
                System.gc();
                if (Boolean.getBoolean("probe.trim")) {
                    NativeGarbage.collect("probe");
                }
                long rss = NativeGarbage.residentKb();
                if (first == 0) {
                    first = rss;
                }
                System.out.printf("step %5d  rss %7d MB  (+%d MB since step 1)  %.1f s%n", s, rss / 1024, (rss - first) / 1024,
                        (System.nanoTime() - start) / 1e9);
            }
        }
        System.exit(0);
    }
}
