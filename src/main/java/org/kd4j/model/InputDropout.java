package org.kd4j.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout on the vectors a model's encoder reads while it trains: the summed embeddings ({@link EmbeddingLayer}),
 * before the BiLSTM's recurrent layer or the transformer's and CNN's graph. Each element is zeroed with probability
 * {@code rate} and the others scaled by {@code 1 / (1 - rate)}, so that the expected input is the input; inference never
 * drops anything. A step's mask is one stream drawn from {@code seed} and the step, row after row of the batch; the parts
 * of a batch split over workers or micro-batches read their own rows of it. So the masks do not depend on how a batch
 * is split, and a resumed run draws the masks an uninterrupted one would.
 *
 * @param rate the probability of zeroing an element, in [0, 0.9]; 0 turns dropout off
 * @param seed the masks' seed
 */
public record InputDropout(double rate, long seed) {

    /** No dropout. */
    public static final InputDropout NONE = new InputDropout(0, 0);

    public InputDropout {
        if (!(rate >= 0 && rate <= 0.9)) {
            throw new IllegalArgumentException("dropout: expected a rate in [0, 0.9], found " + rate);
        }
    }

    /** Whether anything is dropped. */
    public boolean active() {
        return rate > 0;
    }

    /**
     * Rows {@code firstRow} .. {@code firstRow + shape[0] - 1} of step {@code step}'s mask, {@code shape} in {@code type}:
     * each element 0 with probability {@link #rate}, otherwise {@code 1 / (1 - rate)}. The rows before {@code firstRow}
     * are drawn and skipped, so any split of a batch into contiguous parts gets the whole batch's mask.
     */
    public INDArray mask(long step, long firstRow, DataType type, long... shape) {
        if (shape.length == 0 || firstRow < 0) {
            throw new IllegalArgumentException("dropout mask: expected a shape [rows, ...] and a first row >= 0, found "
                    + java.util.Arrays.toString(shape) + " from row " + firstRow);
        }
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dropout mask of " + n + " elements: too large for one batch");
        }
        SplittableRandom random = new SplittableRandom(mix(mix(seed, step), 0));
        long skipped = firstRow * (n / Math.max(1, shape[0]));
        for (long i = 0; i < skipped; i++) {
            random.nextDouble();
        }
        float kept = (float) (1.0 / (1.0 - rate));
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() < rate ? 0f : kept;
        }
        INDArray mask = Nd4j.createFromArray(values).reshape(shape);
        return type == DataType.FLOAT ? mask : mask.castTo(type);
    }

    /** SplitMix64's finaliser over {@code a} and {@code b}: distinct, well-spread seeds for neighbouring steps. */
    private static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
