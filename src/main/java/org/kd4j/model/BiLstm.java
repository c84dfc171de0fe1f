package org.kd4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The bidirectional LSTM layers of the {@link ModelType#BILSTM} student, computed outside the SameDiff graph, forward
 * and backward, with ND4J's matrix and element-wise ops: their output (both directions' states of the last layer,
 * {@code [batch, length, 2 x units]}) is the graph's {@link ClassifierGraph#EMBEDDINGS} input, and {@link #backward}
 * turns the graph's gradient with respect to it into the gradients of the LSTM weights and of the embeddings. A layer
 * above the first reads the states of the one under it, both directions in the row's order ({@link BiLstmConfig}).
 *
 * <p>Why not M2.1's {@code lstmLayer} op in the graph: its backward op ({@code lstmLayer_bp}) never frees its working
 * arrays (pre-activations, activations, states and cell states of every time step: about 10 x batch x length x units
 * floats per call, 10.9 MB at 32 x 64 x 128, after a collection and {@code malloc_trim}), so a training process grew
 * by that much per direction per step until the off-heap limit killed it; {@code reverse_sequence} lost about two
 * arrays of its input's size per call as well. See {@code LstmOpProbe} and {@code BiLstmMemoryProbe} (test scope).
 *
 * <p>The computation is M2.1's {@code lstmLayer} with sigmoid gates, tanh cell and output activations and no peepholes
 * or clipping: {@code z = x Wx + h[t-1] Wr + b}, gates in the order i, f, g, o ({@code [in, 4 x units]} weights), {@code
 * c = f * c[t-1] + i * g}, {@code h = o * tanh(c)}, zero initial state. The backward direction runs forward over each
 * row reversed within its length (padding stays after the last real token, so neither direction reads padding before
 * a real token) and its states are put back in the row's order. The parameters have the names and shapes of the graph
 * variables of earlier versions ({@code lstm_fwd_w}, {@code lstm_fwd_rw}, {@code lstm_fwd_b}, {@code lstm_bwd_*}), so
 * their model files load unchanged; the layers above have {@code lstm2_*}, {@code lstm3_*} and so on.
 *
 * <p>One instance per graph (a replica gets its own through {@link #sharing()}, same weight arrays): it keeps the
 * arrays of its last {@link #forward} for {@link #backward} and frees them at the next forward or at {@link #close()}.
 */
public final class BiLstm implements AutoCloseable {

    static final String FORWARD = "lstm_fwd";
    static final String BACKWARD = "lstm_bwd";

    private final int in;
    private final int units;
    /** Bottom first: each layer's forward and backward direction. */
    private final List<Direction[]> layers;
    /** Arrays of the last forward (and its backward), freed at the next forward. */
    private final List<INDArray> step = new ArrayList<>();
    private INDArray inputT;
    private int[] reversal;
    private long batch;
    private long length;

    private BiLstm(int in, int units, List<Direction[]> layers) {
        this.in = in;
        this.units = units;
        this.layers = List.copyOf(layers);
    }

    /**
     * The parameter name prefix of layer {@code layer}'s direction (0-based, bottom first): {@code lstm_fwd} and
     * {@code lstm_bwd} for the first layer (the names of one-layer models of earlier versions), {@code lstm2_fwd},
     * {@code lstm2_bwd} for the second, and so on.
     */
    public static String direction(int layer, boolean forward) {
        String base = forward ? FORWARD : BACKWARD;
        return layer == 0 ? base : "lstm" + (layer + 1) + base.substring("lstm".length());
    }

    /**
     * A layer of fresh weights from ND4J's random generator (uniform in +-1/sqrt(units), zero biases), drawn in the
     * order the graph builder of earlier versions drew them (the first layer's forward then backward direction, then the
     * layers above), so a seed gives the same initial one-layer model as before.
     */
    static BiLstm random(int in, int units, int depth, DataType type) {
        List<Direction[]> layers = new ArrayList<>();
        for (int k = 0; k < depth; k++) {
            int width = k == 0 ? in : 2 * units;
            Direction f = Direction.random(direction(k, true), width, units, type);
            Direction b = Direction.random(direction(k, false), width, units, type);
            layers.add(new Direction[] {f, b});
        }
        return new BiLstm(in, units, layers);
    }

    /** A layer with the same weight arrays (updates to them are seen by both) and its own working arrays. */
    public BiLstm sharing() {
        List<Direction[]> shared = new ArrayList<>();
        for (Direction[] layer : layers) {
            shared.add(new Direction[] {layer[0].sharing(), layer[1].sharing()});
        }
        return new BiLstm(in, units, shared);
    }

    /** Input width (the embeddings' size). */
    public int in() {
        return in;
    }

    /** Units per direction; the output has twice as many features. */
    public int units() {
        return units;
    }

    /** Stacked bidirectional layers. */
    public int depth() {
        return layers.size();
    }

    /** The weights by name (the arrays themselves). */
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Direction[] layer : layers) {
            layer[0].parameters(out);
            layer[1].parameters(out);
        }
        return out;
    }

    /**
     * The last layer's states of both directions over {@code x} ({@code [batch, length, in]}): {@code [batch, length,
     * 2 x units]}, forward states first. {@code lengths[r]} is the number of real tokens of row {@code r} (its first
     * positions). The arrays needed by {@link #backward} are kept until the next call or {@link #close()}; the returned
     * array is the caller's.
     */
    public synchronized INDArray forward(INDArray x, int[] lengths) {
        release();
        if (x.rank() != 3 || x.size(2) != in || x.size(0) != lengths.length) {
            throw new IllegalArgumentException("BiLSTM input: expected [" + lengths.length + ", length, " + in + "], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        batch = x.size(0);
        length = x.size(1);
        reversal = reversal(lengths, (int) length);
        inputT = keep(x.permute(1, 0, 2).dup('c')); // time-major [L, B, in]: each time step a contiguous [B, in]
        INDArray layerIn = inputT;
        INDArray both = null;
        for (int k = 0; k < layers.size(); k++) {
            Direction[] layer = layers.get(k);
            INDArray hf = layer[0].run(layerIn, step);
            INDArray reversed = keep(rows(layerIn, reversal)).reshape(length, batch, layerIn.size(2));
            INDArray hr = layer[1].run(reversed, step);
            INDArray hbRows = rows(hr, reversal);
            both = Nd4j.concat(2, hf, hbRows.reshape(length, batch, units));
            hbRows.close();
            if (k < layers.size() - 1) {
                layerIn = keep(both); // the next layer's input, read again by its backward
            }
        }
        // not kept: the caller owns it (a SameDiff variable's array holder may keep it, or copy into it, after this)
        INDArray out = both.permute(1, 0, 2).dup('c');
        both.close();
        return out;
    }

    /** Gradients of the weights (by parameter name) and of the input, from the gradient of the last forward's output. */
    public record Gradients(Map<String, INDArray> weights, INDArray input) { }

    /**
     * Backpropagates {@code dOut} ({@code [batch, length, 2 x units]}, the gradient of the last {@link #forward}'s
     * output) through every layer, top first. The returned arrays belong to this layer: valid until the next forward.
     */
    public synchronized Gradients backward(INDArray dOut) {
        if (inputT == null) {
            throw new IllegalStateException("BiLSTM backward without a forward");
        }
        if (dOut.rank() != 3 || dOut.size(0) != batch || dOut.size(1) != length || dOut.size(2) != 2L * units) {
            throw new IllegalArgumentException("BiLSTM output gradient: expected [" + batch + ", " + length + ", " + 2 * units
                    + "], got " + java.util.Arrays.toString(dOut.shape()));
        }
        INDArray dT = keep(dOut.permute(1, 0, 2).dup('c'));
        for (int k = layers.size() - 1; k >= 0; k--) {
            Direction[] layer = layers.get(k);
            INDArray dhf = keep(dT.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, units)).dup('c'));
            INDArray dhb = dT.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(units, 2 * units)).dup('c');
            INDArray dhr = keep(rows(dhb, reversal)).reshape(length, batch, units);
            dhb.close();
            INDArray dx = keep(layer[0].back(dhf, step));
            INDArray dxr = layer[1].back(dhr, step);
            INDArray dxRows = rows(dxr, reversal);
            dxr.close();
            dx.addi(dxRows.reshape(dx.shape()));
            dxRows.close();
            dT = dx; // the gradient of this layer's input: the states of the layer under it, or the embeddings
        }
        INDArray dInput = keep(dT.permute(1, 0, 2).dup('c'));
        Map<String, INDArray> weights = new LinkedHashMap<>();
        for (Direction[] layer : layers) {
            layer[0].gradients(weights);
            layer[1].gradients(weights);
        }
        return new Gradients(weights, dInput);
    }

    /** Frees the working arrays of the last forward and backward (the weights and their gradient buffers stay). */
    @Override
    public synchronized void close() {
        release();
    }

    private void release() {
        for (INDArray a : step) {
            if (a.closeable()) {
                a.close();
            }
        }
        step.clear();
        inputT = null;
    }

    private INDArray keep(INDArray a) {
        step.add(a);
        return a;
    }

    /**
     * Row map of the per-row reversal in time-major order: flat row {@code t * B + r} takes row {@code s * B + r}, where
     * {@code s = len[r] - 1 - t} for real positions and {@code s = t} on padding. It is its own inverse.
     */
    static int[] reversal(int[] lengths, int length) {
        int b = lengths.length;
        int[] map = new int[length * b];
        for (int t = 0; t < length; t++) {
            for (int r = 0; r < b; r++) {
                int len = Math.min(lengths[r], length);
                int s = t < len ? len - 1 - t : t;
                map[t * b + r] = s * b + r;
            }
        }
        return map;
    }

    /** {@code a} ({@code [L, B, n]}, c order) with its {@code L x B} rows taken in the order of {@code map}, as [L*B, n]. */
    private static INDArray rows(INDArray a, int[] map) {
        INDArray flat = a.reshape('c', map.length, a.size(2));
        return Nd4j.pullRows(flat, 1, map);
    }

    /** One direction's weights, gradient buffers and the activations of its last run. */
    private static final class Direction {
        private final String name;
        private final INDArray w;
        private final INDArray rw;
        private final INDArray b;
        private final int units;
        private INDArray gw;
        private INDArray grw;
        private INDArray gb;
        /** Of the last run: its time-major input, gate activations [L, B, 4U], cell states and states [L, B, U]. */
        private INDArray x;
        private INDArray a;
        private INDArray c;
        private INDArray h;

        Direction(String name, INDArray w, INDArray rw, INDArray b) {
            this.name = name;
            this.w = w;
            this.rw = rw;
            this.b = b;
            this.units = (int) rw.size(0);
        }

        static Direction random(String name, int in, int units, DataType type) {
            double scale = 1.0 / Math.sqrt(units);
            INDArray w = Nd4j.rand(type, in, 4 * units).subi(0.5).muli(2 * scale);
            INDArray rw = Nd4j.rand(type, units, 4 * units).subi(0.5).muli(2 * scale);
            return new Direction(name, w, rw, Nd4j.zeros(type, 4 * units));
        }

        Direction sharing() {
            return new Direction(name, w, rw, b);
        }

        void parameters(Map<String, INDArray> out) {
            out.put(name + "_w", w);
            out.put(name + "_rw", rw);
            out.put(name + "_b", b);
        }

        /** States {@code [L, B, U]} over the time-major input {@code [L, B, in]}; its arrays go to {@code step}. */
        INDArray run(INDArray xT, List<INDArray> step) {
            long l = xT.size(0);
            long bs = xT.size(1);
            int u = units;
            x = xT;
            // the input's share of every step's pre-activations at once: [L*B, in] x [in, 4U] + b
            INDArray z = xT.reshape('c', l * bs, xT.size(2)).mmul(w);
            z.addiRowVector(b);
            a = z.reshape('c', l, bs, 4L * u);
            step.add(z);
            c = Nd4j.create(xT.dataType(), l, bs, u);
            h = Nd4j.create(xT.dataType(), l, bs, u);
            step.add(c);
            step.add(h);
            for (int t = 0; t < l; t++) {
                INDArray at = a.slice(t);
                if (t > 0) {
                    Nd4j.gemm(h.slice(t - 1), rw, at, false, false, 1.0, 1.0); // at += h[t-1] Wr
                }
                INDArray i = gate(at, 0);
                INDArray f = gate(at, 1);
                INDArray g = gate(at, 2);
                INDArray o = gate(at, 3);
                Transforms.sigmoid(at.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2 * u)), false);
                Transforms.tanh(g, false);
                Transforms.sigmoid(o, false);
                INDArray ct = c.slice(t);
                i.mul(g, ct);
                if (t > 0) {
                    INDArray carried = f.mul(c.slice(t - 1));
                    ct.addi(carried);
                    carried.close();
                }
                INDArray ht = h.slice(t);
                Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh(ct, ht));
                ht.muli(o);
            }
            return h;
        }

        /** Gate {@code k} (i, f, g, o) of a {@code [B, 4U]} matrix: a view of its columns. */
        private INDArray gate(INDArray m, int k) {
            return m.get(NDArrayIndex.all(), NDArrayIndex.interval((long) k * units, (long) (k + 1) * units));
        }

        /**
         * Backpropagates {@code dh} ({@code [L, B, U]}, time-major, this layer's own copy: it is added to) through the
         * last run: fills this direction's weight gradients and returns the input's gradient {@code [L, B, in]} (new).
         */
        INDArray back(INDArray dh, List<INDArray> step) {
            long l = a.size(0);
            long bs = a.size(1);
            int u = units;
            // every step's activation slopes at once: s (1 - s) for the sigmoid gates, 1 - g^2 for the tanh gate
            INDArray slopes = a.rsub(1.0).muli(a);
            INDArray gAll = a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2L * u, 3L * u));
            INDArray gSlope = gAll.mul(gAll).rsubi(1.0);
            slopes.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2L * u, 3L * u)).assign(gSlope);
            gSlope.close();
            // tanh(c) and its slope 1 - tanh(c)^2
            INDArray tc = Transforms.tanh(c, true);
            INDArray tcSlope = tc.mul(tc).rsubi(1.0);
            INDArray dz = Nd4j.create(a.dataType(), l, bs, 4L * u);
            step.add(slopes);
            step.add(tc);
            step.add(tcSlope);
            step.add(dz);
            INDArray dcNext = null;
            for (int t = (int) l - 1; t >= 0; t--) {
                INDArray at = a.slice(t);
                INDArray dzt = dz.slice(t);
                INDArray dht = dh.slice(t); // holds dh[t] + the recurrent term from t + 1 (added below at t + 1)
                // dL/do = dh tanh(c); dL/dc = dh o (1 - tanh(c)^2) + dL/dc from t + 1
                dht.mul(tc.slice(t), gate(dzt, 3));
                INDArray dc = dht.mul(gate(at, 3)).muli(tcSlope.slice(t));
                if (dcNext != null) {
                    dc.addi(dcNext);
                    dcNext.close();
                }
                // dL/di = dc g; dL/dg = dc i; dL/df = dc c[t-1] (0 at t = 0, dz is zeros)
                dc.mul(gate(at, 2), gate(dzt, 0));
                dc.mul(gate(at, 0), gate(dzt, 2));
                if (t > 0) {
                    dc.mul(c.slice(t - 1), gate(dzt, 1));
                }
                dzt.muli(slopes.slice(t)); // through the activations: dL/dz
                if (t > 0) {
                    dcNext = dc.muli(gate(at, 1)); // dL/dc[t-1] = dc f
                    Nd4j.gemm(dzt, rw, dh.slice(t - 1), false, true, 1.0, 1.0); // dh[t-1] += dz Wr^T
                } else {
                    dc.close();
                }
            }
            INDArray dz2 = dz.reshape('c', l * bs, 4L * u);
            INDArray x2 = x.reshape('c', l * bs, x.size(2));
            if (gw == null) {
                gw = Nd4j.create(w.dataType(), w.shape());
                grw = Nd4j.create(rw.dataType(), rw.shape());
                gb = Nd4j.create(b.dataType(), b.shape());
            }
            Nd4j.gemm(x2, dz2, gw, true, false, 1.0, 0.0);
            if (l > 1) {
                INDArray hPrev = h.reshape('c', l * bs, u).get(NDArrayIndex.interval(0, (l - 1) * bs), NDArrayIndex.all());
                INDArray dzNext = dz2.get(NDArrayIndex.interval(bs, l * bs), NDArrayIndex.all());
                Nd4j.gemm(hPrev, dzNext, grw, true, false, 1.0, 0.0);
            } else {
                grw.assign(0);
            }
            INDArray db = dz2.sum(0);
            gb.assign(db.reshape(gb.shape()));
            db.close();
            INDArray dx = Nd4j.create(x.dataType(), l, bs, x.size(2));
            Nd4j.gemm(dz2, w, dx.reshape('c', l * bs, x.size(2)), false, true, 1.0, 0.0);
            return dx;
        }

        void gradients(Map<String, INDArray> out) {
            out.put(name + "_w", gw);
            out.put(name + "_rw", grw);
            out.put(name + "_b", gb);
        }
    }
}
