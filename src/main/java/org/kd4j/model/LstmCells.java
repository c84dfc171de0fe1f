package org.kd4j.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.kd4j.util.DirectArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise part of one time step of {@link BiLstm}'s LSTM, forward and backward, as one Java loop over the
 * step's {@code batch x units} cells, reading and writing the arrays' native memory in place. It replaces about ten
 * ND4J ops a step (each a JNI call with views and often a new array, on {@code [32, 300]} blocks): those took three
 * times as long as the step's recurrent matrix product (profile in {@code docs/performance.md}). The matrix products
 * stay ND4J's.
 *
 * <p>Layouts (c order, time-major): pre-activations and activations {@code a [L, B, 4U]}, gates in the order i, f, g, o;
 * cell states {@code c} and states {@code h [L, B, U]}. Forward, at step {@code t}, with {@code a[t] = x[t] Wx + h[t-1] Wr}
 * and {@code z = a[t] + b}:
 * <pre>
 *   i = sigmoid(z_i), f = sigmoid(z_f), g = tanh(z_g), o = sigmoid(z_o)   (written back into a[t])
 *   c[t] = i g + f c[t-1]       (c[-1] = 0)
 *   h[t] = o tanh(c[t])
 * </pre>
 * Backward, at step {@code t} from {@code L - 1} down, with {@code dh[t]} the loss's gradient with respect to
 * {@code h[t]} (the recurrent term from {@code t + 1} already added) and {@code dc'} that of {@code c[t]} through
 * {@code c[t+1]} (0 at the last step):
 * <pre>
 *   dc = dh o (1 - tanh(c)^2) + dc'
 *   dz_o = dh tanh(c) o (1 - o),  dz_i = dc g i (1 - i),  dz_g = dc i (1 - g^2),  dz_f = dc c[t-1] f (1 - f)
 *   dc' for step t - 1 = dc f
 * </pre>
 * Each value is computed in double and rounded to the arrays' type when stored; float arrays use an exponential-based
 * tanh (within float's rounding of the exact one), double arrays {@link Math#tanh} (so finite-difference checks in
 * double keep their precision).
 */
final class LstmCells {

    private LstmCells() {
    }

    /** One array's elements by flat c-order index, in its native memory. */
    abstract static sealed class Values permits FloatValues, DoubleValues {

        abstract double get(int i);

        /** Stores {@code v} at {@code i} and returns the value stored (rounded to the array's type). */
        abstract double put(int i, double v);

        abstract double tanh(double x);

        /**
         * The elements of {@code array} (float or double, c order, contiguous; a view reads and writes its base array's
         * elements).
         */
        static Values of(INDArray array) {
            return switch (array.dataType()) {
                case FLOAT -> new FloatValues(DirectArrays.floats(array));
                case DOUBLE -> new DoubleValues(DirectArrays.doubles(array));
                default -> throw new IllegalArgumentException("LSTM cells: expected a float or double array, got "
                        + array.dataType());
            };
        }
    }

    static final class FloatValues extends Values {
        private final FloatBuffer buffer;

        FloatValues(FloatBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        double get(int i) {
            return buffer.get(i);
        }

        @Override
        double put(int i, double v) {
            float f = (float) v;
            buffer.put(i, f);
            return f;
        }

        /** {@code tanh} from one exponential: {@code (1 - e) / (1 + e)} with {@code e = exp(-2|x|)}; odd-series near 0. */
        @Override
        double tanh(double x) {
            double ax = Math.abs(x);
            if (ax < 1e-4) {
                return x - x * x * x / 3; // the next term, 2x^5/15, is below 1e-20 x here
            }
            double e = Math.exp(-2 * ax);
            double t = (1 - e) / (1 + e);
            return x < 0 ? -t : t;
        }
    }

    static final class DoubleValues extends Values {
        private final DoubleBuffer buffer;

        DoubleValues(DoubleBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        double get(int i) {
            return buffer.get(i);
        }

        @Override
        double put(int i, double v) {
            buffer.put(i, v);
            return v;
        }

        @Override
        double tanh(double x) {
            return Math.tanh(x);
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /**
     * Forward step {@code t}: turns {@code a[t]}'s pre-activations (without the bias {@code [4U]}, added here) into gate
     * activations (in place) and writes {@code c[t]} and {@code h[t]} (formulas in the class comment).
     */
    static void forward(Values a, Values bias, Values c, Values h, int t, int batch, int units) {
        int gates = 4 * units;
        for (int r = 0; r < batch; r++) {
            int ar = (t * batch + r) * gates;
            int sr = (t * batch + r) * units;
            int pr = sr - batch * units; // c[t-1] of the same row
            for (int j = 0; j < units; j++) {
                double i = a.put(ar + j, sigmoid(a.get(ar + j) + bias.get(j)));
                double f = a.put(ar + units + j, sigmoid(a.get(ar + units + j) + bias.get(units + j)));
                double g = a.put(ar + 2 * units + j, a.tanh(a.get(ar + 2 * units + j) + bias.get(2 * units + j)));
                double o = a.put(ar + 3 * units + j, sigmoid(a.get(ar + 3 * units + j) + bias.get(3 * units + j)));
                double cell = i * g;
                if (t > 0) {
                    cell += f * c.get(pr + j);
                }
                double stored = c.put(sr + j, cell);
                h.put(sr + j, o * c.tanh(stored));
            }
        }
    }

    /**
     * Backward step {@code t}: writes {@code dz[t]} (the gradient of {@code a[t]}'s pre-activations) from {@code dh[t]},
     * the activations {@code a[t]}, the cell states and {@code dcNext} ({@code [B x U]}: the gradient of {@code c[t]}
     * through {@code c[t+1]} on entry, zeros at the last step; on return that of {@code c[t-1]}).
     */
    static void backward(Values a, Values c, Values dh, Values dz, double[] dcNext, int t, int batch, int units) {
        int gates = 4 * units;
        for (int r = 0; r < batch; r++) {
            int ar = (t * batch + r) * gates;
            int sr = (t * batch + r) * units;
            int pr = sr - batch * units;
            int nr = r * units;
            for (int j = 0; j < units; j++) {
                double i = a.get(ar + j);
                double f = a.get(ar + units + j);
                double g = a.get(ar + 2 * units + j);
                double o = a.get(ar + 3 * units + j);
                double tc = c.tanh(c.get(sr + j));
                double dht = dh.get(sr + j);
                double dc = dht * o * (1 - tc * tc) + dcNext[nr + j];
                dz.put(ar + 3 * units + j, dht * tc * o * (1 - o));
                dz.put(ar + j, dc * g * i * (1 - i));
                dz.put(ar + 2 * units + j, dc * i * (1 - g * g));
                if (t > 0) {
                    dz.put(ar + units + j, dc * c.get(pr + j) * f * (1 - f));
                    dcNext[nr + j] = dc * f;
                } else {
                    dz.put(ar + units + j, 0);
                }
            }
        }
    }
}
