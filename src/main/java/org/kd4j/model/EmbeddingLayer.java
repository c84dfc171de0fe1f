package org.kd4j.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.kd4j.data.batch.Batch;
import org.kd4j.model.embed.EmbeddingTable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The input embeddings of a model, computed outside the SameDiff graph: token rows, plus position and token-type
 * rows when the model has them, summed into {@code [batch, length, dim]}. The graph differentiates with respect to
 * that sum; {@link #backward} scatter-adds the result into each table's gradient (see {@link EmbeddingTable}).
 */
public final class EmbeddingLayer {

    public static final String TOKENS = "emb_tokens";
    public static final String POSITIONS = "emb_positions";
    public static final String TYPES = "emb_types";

    private final Map<String, EmbeddingTable> tables = new LinkedHashMap<>();

    /** Whether {@code name} is one of the embedding tables' names (they live outside the graph). */
    public static boolean isTable(String name) {
        return TOKENS.equals(name) || POSITIONS.equals(name) || TYPES.equals(name);
    }

    /**
     * @param positions 0 for no position table
     * @param types 0 for no token-type table
     */
    public EmbeddingLayer(int vocab, int positions, int types, int dim, DataType type, long seed) {
        tables.put(TOKENS, EmbeddingTable.random(vocab, dim, 0.02, type, seed));
        if (positions > 0) {
            tables.put(POSITIONS, EmbeddingTable.random(positions, dim, 0.02, type, seed + 1));
        }
        if (types > 0) {
            tables.put(TYPES, EmbeddingTable.random(types, dim, 0.02, type, seed + 2));
        }
    }

    /** Wraps existing tables (a loaded model); {@link #TOKENS} is required. */
    public EmbeddingLayer(Map<String, INDArray> weights) {
        if (!weights.containsKey(TOKENS)) {
            throw new IllegalArgumentException("missing embedding table " + TOKENS);
        }
        for (String name : new String[] {TOKENS, POSITIONS, TYPES}) {
            if (weights.containsKey(name)) {
                tables.put(name, new EmbeddingTable(weights.get(name)));
            }
        }
    }

    /** The tables by name, for optimisers and saving. */
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        tables.forEach((name, table) -> out.put(name, table.weights()));
        return out;
    }

    public int dim() {
        return tables.get(TOKENS).dim();
    }

    public int vocabSize() {
        return tables.get(TOKENS).vocabSize();
    }

    /** Summed embeddings of the batch, {@code [size, length, dim]}. */
    public INDArray forward(Batch batch) {
        checkPositions(batch);
        INDArray sum = tables.get(TOKENS).lookup(batch.inputIds());
        if (tables.containsKey(POSITIONS)) {
            sum.addi(tables.get(POSITIONS).lookup(positionIds(batch)));
        }
        if (tables.containsKey(TYPES)) {
            sum.addi(tables.get(TYPES).lookup(batch.tokenTypeIds()));
        }
        return sum.reshape(batch.size(), batch.length(), dim());
    }

    /**
     * Gradients of every table from the gradient of {@link #forward}'s result, as the rows the batch touched
     * (O(tokens x dim); the optimiser updates only those rows).
     */
    public Map<String, EmbeddingTable.RowGradient> backward(Batch batch, INDArray gradient) {
        INDArray rows = gradient.reshape((long) batch.size() * batch.length(), dim());
        Map<String, EmbeddingTable.RowGradient> grads = new LinkedHashMap<>();
        grads.put(TOKENS, tables.get(TOKENS).rowGradient(batch.inputIds(), rows));
        if (tables.containsKey(POSITIONS)) {
            grads.put(POSITIONS, tables.get(POSITIONS).rowGradient(positionIds(batch), rows));
        }
        if (tables.containsKey(TYPES)) {
            grads.put(TYPES, tables.get(TYPES).rowGradient(batch.tokenTypeIds(), rows));
        }
        return grads;
    }

    private void checkPositions(Batch batch) {
        if (tables.containsKey(POSITIONS) && batch.length() > tables.get(POSITIONS).vocabSize()) {
            throw new IllegalArgumentException("batch length " + batch.length() + " exceeds the model's "
                    + tables.get(POSITIONS).vocabSize() + " positions");
        }
    }

    private static int[] positionIds(Batch batch) {
        int[] ids = new int[batch.size() * batch.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % batch.length();
        }
        return ids;
    }
}
