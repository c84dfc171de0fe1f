package org.kd4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The bidirectional LSTM layers of the {@link ModelType#BILSTM} student, computed outside the SameDiff graph, forward
 * and backward, with ND4J's BLAS products and, for each time step's element-wise part, one loop over the step's cells
 * ({@link LstmCells}): their output (both directions' states of the last layer,
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
 * The largest of them (each direction's gates, their gradients, cell states and states) are views of arrays kept from
 * call to call, grown to the longest batch so far and freed at {@link #close()}.
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
            INDArray hf = layer[0].run(layerIn);
            INDArray reversed = keep(rows(layerIn, reversal)).reshape(length, batch, layerIn.size(2));
            INDArray hr = layer[1].run(reversed);
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
            INDArray dx = keep(layer[0].back(dhf));
            INDArray dxr = layer[1].back(dhr);
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

    /**
     * Frees the working arrays of the last forward and backward and the arrays kept for the next (the weights and their
     * gradient buffers stay); the layer can run again.
     */
    @Override
    public synchronized void close() {
        release();
        for (Direction[] layer : layers) {
            layer[0].free();
            layer[1].free();
        }
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
        /**
         * The working arrays of every call, reused from call to call (each call overwrites every element it reads): a
         * fresh page of native memory is expensive on these hosts ({@code bench memory}), and allocating these arrays
         * for each batch was a large share of the layer's profile ({@code docs/performance.md}).
         */
        private final Reused gates = new Reused();
        private final Reused cells = new Reused();
        private final Reused states = new Reused();
        private final Reused gateGradients = new Reused();
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

        /**
         * States {@code [L, B, U]} over the time-major input {@code [L, B, in]}: views of this direction's reused arrays
         * (as are the gates and cell states kept for {@link #back}), valid until its next run.
         */
        INDArray run(INDArray xT) {
            long l = xT.size(0);
            long bs = xT.size(1);
            int u = units;
            x = xT;
            // the input's share of every step's pre-activations at once, [L*B, in] x [in, 4U] (the bias is added by the
            // step's cells): a BLAS product into the gates' array, several times as fast here as INDArray.mmul, which
            // makes a new result each call (BiLstmSpeedProbe)
            a = gates.shaped(xT.dataType(), l, bs, 4L * u);
            Nd4j.gemm(xT.reshape('c', l * bs, xT.size(2)), w, a.reshape('c', l * bs, 4L * u), false, false, 1.0, 0.0);
            c = cells.shaped(xT.dataType(), l, bs, u);
            h = states.shaped(xT.dataType(), l, bs, u);
            LstmCells.Values av = LstmCells.Values.of(a);
            LstmCells.Values bv = LstmCells.Values.of(b);
            LstmCells.Values cv = LstmCells.Values.of(c);
            LstmCells.Values hv = LstmCells.Values.of(h);
            for (int t = 0; t < l; t++) {
                if (t > 0) {
                    Nd4j.gemm(h.slice(t - 1), rw, a.slice(t), false, false, 1.0, 1.0); // a[t] += h[t-1] Wr
                }
                LstmCells.forward(av, bv, cv, hv, t, (int) bs, u);
            }
            return h;
        }

        /**
         * Backpropagates {@code dh} ({@code [L, B, U]}, time-major, this layer's own copy: it is added to) through the
         * last run: fills this direction's weight gradients and returns the input's gradient {@code [L, B, in]} (new).
         */
        INDArray back(INDArray dh) {
            long l = a.size(0);
            long bs = a.size(1);
            int u = units;
            INDArray dz = gateGradients.shaped(a.dataType(), l, bs, 4L * u);
            LstmCells.Values av = LstmCells.Values.of(a);
            LstmCells.Values cv = LstmCells.Values.of(c);
            LstmCells.Values dhv = LstmCells.Values.of(dh);
            LstmCells.Values dzv = LstmCells.Values.of(dz);
            double[] dcNext = new double[(int) bs * u];
            for (int t = (int) l - 1; t >= 0; t--) {
                // dh[t] already holds the recurrent term from t + 1 (added below at t + 1)
                LstmCells.backward(av, cv, dhv, dzv, dcNext, t, (int) bs, u);
                if (t > 0) {
                    Nd4j.gemm(dz.slice(t), rw, dh.slice(t - 1), false, true, 1.0, 1.0); // dh[t-1] += dz Wr^T
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

        /** Frees the reused working arrays (the next call allocates them again). */
        void free() {
            gates.free();
            cells.free();
            states.free();
            gateGradients.free();
            x = null;
            a = null;
            c = null;
            h = null;
        }

        void gradients(Map<String, INDArray> out) {
            out.put(name + "_w", gw);
            out.put(name + "_rw", grw);
            out.put(name + "_b", gb);
        }
    }

    /**
     * A flat native array that grows to the largest size asked of it, handing out its first elements shaped as asked (a
     * view: what is written to it stays in the array until the next {@link #shaped}). Not zeroed.
     */
    private static final class Reused {
        private INDArray flat;

        INDArray shaped(DataType type, long... shape) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (flat == null || flat.dataType() != type || flat.length() < n) {
                long grown = flat == null || flat.dataType() != type ? n : Math.max(n, flat.length() + flat.length() / 4);
                free();
                flat = Nd4j.createUninitialized(type, grown);
            }
            return flat.get(NDArrayIndex.interval(0, n)).reshape('c', shape);
        }

        void free() {
            if (flat != null) {
                flat.close();
                flat = null;
            }
        }
    }
}
