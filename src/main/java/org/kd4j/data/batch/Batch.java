package org.kd4j.data.batch;

import java.util.Arrays;
import org.kd4j.data.glue.Example;
import org.kd4j.data.tokenize.Encoding;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A padded batch, row-major {@code [size, length]} int arrays.
 *
 * @param indices example indices (into the {@link EncodedDataset}) of the rows
 * @param length padded sequence length of every row
 * @param inputIds token ids, {@code padId} after each example's end
 * @param tokenTypeIds 0 for the first text, 1 for the second, 0 on padding
 * @param attentionMask 1 on real tokens, 0 on padding
 * @param labels gold label ids per row ({@code -1} when unlabeled)
 * @param scores gold scores per row (regression; NaN otherwise)
 */
public record Batch(int[] indices, int length, int[] inputIds, int[] tokenTypeIds, int[] attentionMask,
                    int[] labels, double[] scores) {

    public int size() {
        return indices.length;
    }

    /** Number of real (non-padding) tokens. */
    public int realTokens() {
        return Arrays.stream(attentionMask).sum();
    }

    /**
     * Number of rows with a gold target ({@link Example#isLabeled}: a label id, or a score on a regression task, whose
     * label ids are all -1). A split batch weighs each part's hard loss by its share of these
     * rows; counting label ids only gave every split STS-B batch a hard loss of 0.
     */
    public int labeledRows() {
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            n += Example.isLabeled(labels[i], scores[i]) ? 1 : 0;
        }
        return n;
    }

    /** Pads the given examples of {@code data} to {@code padTo} tokens (at least the longest of them). */
    public static Batch of(EncodedDataset data, int[] indices, int padTo, int padId) {
        int length = padTo;
        for (int i : indices) {
            length = Math.max(length, data.encodings().get(i).length());
        }
        int n = indices.length;
        int[] ids = new int[n * length];
        int[] types = new int[n * length];
        int[] mask = new int[n * length];
        int[] labels = new int[n];
        double[] scores = new double[n];
        if (padId != 0) {
            Arrays.fill(ids, padId);
        }
        for (int row = 0; row < n; row++) {
            Encoding e = data.encodings().get(indices[row]);
            System.arraycopy(e.inputIds(), 0, ids, row * length, e.length());
            System.arraycopy(e.tokenTypeIds(), 0, types, row * length, e.length());
            Arrays.fill(mask, row * length, row * length + e.length(), 1);
            labels[row] = data.labels()[indices[row]];
            scores[row] = data.scores()[indices[row]];
        }
        return new Batch(indices.clone(), length, ids, types, mask, labels, scores);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive), same padded length. */
    public Batch rows(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException("rows " + from + ".." + to + " of a batch of " + size());
        }
        return new Batch(Arrays.copyOfRange(indices, from, to), length, Arrays.copyOfRange(inputIds, from * length, to * length),
                Arrays.copyOfRange(tokenTypeIds, from * length, to * length),
                Arrays.copyOfRange(attentionMask, from * length, to * length), Arrays.copyOfRange(labels, from, to),
                Arrays.copyOfRange(scores, from, to));
    }

    /** {@code [size, length]} INT32 array of one of the int fields. */
    public INDArray matrix(int[] field) {
        return Nd4j.createFromArray(field).reshape(size(), length).castTo(DataType.INT32);
    }

    /**
     * As a DL4J {@link MultiDataSet}: features {@code [input_ids, token_type_ids]} (INT32 {@code [B, L]}), feature
     * masks the attention mask (FLOAT {@code [B, L]}, for both), labels one-hot FLOAT {@code [B, numOutputs]}
     * for classification or the scores FLOAT {@code [B, 1]} for regression.
     */
    public MultiDataSet toMultiDataSet(int numOutputs, boolean regression) {
        INDArray mask = matrix(attentionMask).castTo(DataType.FLOAT);
        INDArray target = Nd4j.zeros(DataType.FLOAT, size(), numOutputs);
        for (int row = 0; row < size(); row++) {
            if (regression) {
                target.putScalar(row, 0, scores[row]);
            } else if (labels[row] >= 0) {
                target.putScalar(row, labels[row], 1.0);
            }
        }
        return new MultiDataSet(new INDArray[] {matrix(inputIds), matrix(tokenTypeIds)}, new INDArray[] {target},
                new INDArray[] {mask, mask}, null);
    }
}
