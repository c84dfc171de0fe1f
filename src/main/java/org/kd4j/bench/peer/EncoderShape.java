package org.kd4j.bench.peer;

/**
 * The shape of a BERT-style (post-layer-norm) encoder classifier that a {@link TrainingPeer} builds: word,
 * position and token-type embeddings, {@code layers} blocks of self-attention and a GELU feed-forward network,
 * pooling and a linear head over {@code labels} classes.
 *
 * @param layers transformer blocks
 * @param hidden hidden size; a multiple of {@code heads}
 * @param heads attention heads
 * @param ffn feed-forward inner size
 * @param vocab word-embedding rows
 * @param positions position-embedding rows (longest sequence)
 * @param typeVocab token-type embedding rows
 * @param labels output classes
 */
public record EncoderShape(int layers, int hidden, int heads, int ffn, int vocab, int positions, int typeVocab,
                           int labels) implements PeerShape {

    public EncoderShape {
        requireAtLeast("layers", layers, 1);
        requireAtLeast("hidden", hidden, 1);
        requireAtLeast("heads", heads, 1);
        requireAtLeast("ffn", ffn, 1);
        requireAtLeast("vocab", vocab, 1);
        requireAtLeast("positions", positions, 1);
        requireAtLeast("typeVocab", typeVocab, 1);
        requireAtLeast("labels", labels, 2);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException(
                    "EncoderShape.hidden: expected a multiple of heads (" + heads + "), found " + hidden);
        }
    }

    /** sentence-transformers/all-MiniLM-L6-v2: 6 layers, hidden 384, 12 heads, FFN 1536, BERT uncased vocabulary. */
    public static EncoderShape allMiniLmL6() {
        return new EncoderShape(6, 384, 12, 1536, 30522, 512, 2, 2);
    }

    /** kd4j's SEAD student ({@code ModelConfig.seadStudent()}): 6 layers, hidden 256, 8 heads, FFN 1024. */
    public static EncoderShape seadStudent() {
        return new EncoderShape(6, 256, 8, 1024, 30522, 512, 2, 2);
    }

    /** At most {@code positions} tokens: the position table's rows. */
    @Override
    public void requireLength(int length) {
        if (length < 1 || length > positions) {
            throw new IllegalArgumentException(
                    "length: expected 1.." + positions + " (the shape's positions), found " + length);
        }
    }

    /** Size of one attention head. */
    public int headSize() {
        return hidden / heads;
    }

    private static void requireAtLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    "EncoderShape." + field + ": expected at least " + min + ", found " + value);
        }
    }
}
