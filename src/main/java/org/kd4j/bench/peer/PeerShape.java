package org.kd4j.bench.peer;

/**
 * A model a {@link TrainingPeer} can build and train: a BERT-style encoder classifier ({@link EncoderShape}) or a
 * BiLSTM classifier ({@link BiLstmShape}). Each is a plain description of sizes, so that kd4j's own model and the
 * peer's can be built to the same shape.
 */
public sealed interface PeerShape permits EncoderShape, BiLstmShape {

    /** Word-table rows. */
    int vocab();

    /** Token-type table rows. */
    int typeVocab();

    /** Output classes. */
    int labels();

    /**
     * Checks that {@code length} tokens per example fit the shape.
     *
     * @throws IllegalArgumentException when they do not
     */
    void requireLength(int length);
}
