package org.kd4j.model.embed;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An embedding table {@code [vocab, dim]} with a sparse-cost lookup and gradient:
 * {@link #lookup} gathers the rows of a batch's token ids ({@code [tokens, dim]}), and {@link #gradient} turns
 * {@code dL/d rows} into {@code dL/d table} by a scatter-add, {@code G[ids[i]] += dRows[i]}: O(tokens x dim)
 * work (plus zeroing the dense gradient), instead of the O(tokens x vocab x dim) of a one-hot product.
 */
public final class EmbeddingTable {

    private final INDArray weights;

    public EmbeddingTable(INDArray weights) {
        if (weights.rank() != 2) {
            throw new IllegalArgumentException("embedding table must be [vocab, dim], got " + weights.shapeInfoToString());
        }
        this.weights = weights;
    }

    /** A table with N(0, std^2) entries (BERT initialises with std 0.02), seeded. */
    public static EmbeddingTable random(int vocab, int dim, double std, DataType type, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return new EmbeddingTable(Nd4j.randn(type, vocab, dim).muli(std));
    }

    /** The table itself (updated in place by optimisers). */
    public INDArray weights() {
        return weights;
    }

    public int vocabSize() {
        return (int) weights.size(0);
    }

    public int dim() {
        return (int) weights.size(1);
    }

    /** Rows {@code weights[ids[i]]} as a new {@code [ids.length, dim]} array. */
    public INDArray lookup(int[] ids) {
        checkIds(ids);
        return Nd4j.pullRows(weights, 1, ids);
    }

    /**
     * The dense gradient of the table: zeros except {@code G[ids[i]] += rowGradients[i]}.
     *
     * @param rowGradients {@code [ids.length, dim]}, the gradient of the loss with respect to {@link #lookup}'s result
     */
    public INDArray gradient(int[] ids, INDArray rowGradients) {
        INDArray grad = Nd4j.zeros(weights.dataType(), weights.shape());
        addGradient(grad, ids, rowGradients);
        return grad;
    }

    /** Scatter-adds {@code rowGradients} into {@code grad} (same shape as the table), in place. */
    public void addGradient(INDArray grad, int[] ids, INDArray rowGradients) {
        checkIds(ids);
        if (rowGradients.size(0) != ids.length || rowGradients.size(1) != dim()) {
            throw new IllegalArgumentException("row gradients must be [" + ids.length + ", " + dim() + "], got "
                    + rowGradients.shapeInfoToString());
        }
        scatterAdd(grad, ids, rowGradients);
    }

    /**
     * The gradient as the rows it touches: {@code rows} (unique ids, first-seen order) and their summed gradients
     * {@code [rows.length, dim]}. Equals {@link #gradient} on those rows, zero elsewhere; O(tokens x dim).
     */
    public RowGradient rowGradient(int[] ids, INDArray rowGradients) {
        checkIds(ids);
        int[] slot = new int[vocabSize()];
        java.util.Arrays.fill(slot, -1);
        int[] local = new int[ids.length];
        int[] unique = new int[ids.length];
        int count = 0;
        for (int i = 0; i < ids.length; i++) {
            if (slot[ids[i]] < 0) {
                slot[ids[i]] = count;
                unique[count++] = ids[i];
            }
            local[i] = slot[ids[i]];
        }
        INDArray sums = Nd4j.zeros(weights.dataType(), count, dim());
        scatterAdd(sums, local, rowGradients);
        return new RowGradient(java.util.Arrays.copyOf(unique, count), sums);
    }

    /** Rows of a table's gradient: {@code values[i]} is the gradient of row {@code rows[i]}; other rows are zero. */
    public record RowGradient(int[] rows, INDArray values) {

        /** The same gradient as a dense {@code [vocab, dim]} array. */
        public INDArray dense(long vocab) {
            INDArray out = Nd4j.zeros(values.dataType(), vocab, values.size(1));
            for (int i = 0; i < rows.length; i++) {
                out.getRow(rows[i]).assign(values.getRow(i));
            }
            return out;
        }
    }

    private static void scatterAdd(INDArray target, int[] indices, INDArray updates) {
        // in place (output = input 0); 'lock' serialises updates so repeated indices accumulate without races
        Nd4j.exec(DynamicCustomOp.builder("scatter_add")
                .addInputs(target, Nd4j.createFromArray(indices), updates.castTo(target.dataType()))
                .addOutputs(target)
                .addBooleanArguments(true)
                .build());
    }

    private void checkIds(int[] ids) {
        int vocab = vocabSize();
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " outside the embedding table's vocabulary 0.."
                        + (vocab - 1));
            }
        }
    }
}
