package org.kd4j.config;

/**
 * What a native student's word table is made from when {@code student.embeddings} names an encoder
 * ({@link org.kd4j.distill.StudentEmbeddings}); either table is then projected onto its top principal directions to the
 * student's width.
 */
public enum EmbeddingsFrom {

    /** The encoder's input word table, row {@code t} its embedding of token {@code t} before any layer. */
    WORD_TABLE,

    /**
     * The encoder run on each vocabulary token alone: row {@code t} is the mean over {@code [CLS] t [SEP]} of the last
     * layer's states (a static vector distilled from the whole encoder, the idea of Model2Vec), so each token's vector
     * has been through every layer instead of only the lookup. The student's position and token-type tables stay its
     * own (random): they have no counterpart in this space.
     */
    ENCODED
}
