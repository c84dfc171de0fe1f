package org.kd4j.data.tokenize;

/**
 * The options of the WordPiece model.
 *
 * @param unkId id of the unknown token, used for a whole word that cannot be split
 * @param continuingSubwordPrefix prefix of pieces that continue a word, {@code "##"} for BERT
 * @param maxInputCharsPerWord longer words (in code points) become the unknown token; 100 for BERT
 */
record WordPieceSettings(int unkId, String continuingSubwordPrefix, int maxInputCharsPerWord) {

    static final String DEFAULT_PREFIX = "##";
    static final int DEFAULT_MAX_INPUT_CHARS_PER_WORD = 100;
}
