package org.kd4j.bench.peer;

/**
 * The shape of kd4j's BiLSTM student ({@code org.kd4j.model.BiLstmConfig}) that a {@link TrainingPeer} builds: a word
 * table, {@code layers} stacked bidirectional LSTM layers of {@code units} per direction, the maximum over the
 * non-padding positions of the last layer's states, then a linear classifier, or a ReLU layer of {@code headUnits}
 * and a linear classifier.
 *
 * @param vocab word-table rows
 * @param embedding word-table width (the first layer's input)
 * @param units LSTM units per direction
 * @param layers stacked bidirectional layers
 * @param headUnits the ReLU layer's units; 0 for a linear head
 * @param labels output classes
 * @param wordTable whether the peer trains the word table
 */
public record BiLstmShape(int vocab, int embedding, int units, int layers, int headUnits, int labels,
                          WordTable wordTable) implements PeerShape {

    /**
     * How the peer treats its word table. kd4j trains the rows a batch uses ({@code EmbeddingTable}'s sparse update)
     * either way; the two settings bound a peer's step between its framework's default and no table work at all.
     */
    public enum WordTable {
        /** Trained with the rest: every row each step, as a dense gradient (PyTorch's {@code nn.Embedding} default). */
        TRAINED,
        /** Not trained: the peer's step does no work on the table beyond the lookup. */
        FROZEN
    }

    public BiLstmShape {
        java.util.Objects.requireNonNull(wordTable, "BiLstmShape.wordTable");
        requireAtLeast("vocab", vocab, 1);
        requireAtLeast("embedding", embedding, 1);
        requireAtLeast("units", units, 1);
        requireAtLeast("layers", layers, 1);
        requireAtLeast("headUnits", headUnits, 0);
        requireAtLeast("labels", labels, 2);
    }

    /** Token-type rows: kd4j's students have a table of 2 ({@code EmbeddingLayer}), added to the words'. */
    public static final int TYPE_ROWS = 2;

    /** {@value #TYPE_ROWS}, as kd4j's students. */
    @Override
    public int typeVocab() {
        return TYPE_ROWS;
    }

    /** A shape whose word table the peer trains. */
    public BiLstmShape(int vocab, int embedding, int units, int layers, int headUnits, int labels) {
        this(vocab, embedding, units, layers, headUnits, labels, WordTable.TRAINED);
    }

    /** Any length of at least one token: a recurrent layer has no position table. */
    @Override
    public void requireLength(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("length: expected at least 1, found " + length);
        }
    }

    private static void requireAtLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("BiLstmShape." + field + ": expected at least " + min + ", found " + value);
        }
    }
}
