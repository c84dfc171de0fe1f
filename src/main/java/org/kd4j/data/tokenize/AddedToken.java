package org.kd4j.data.tokenize;

/**
 * A token added on top of the WordPiece vocabulary (tokenizer.json {@code added_tokens}, or the special
 * tokens of a vocab.txt), with the matching options of Hugging Face {@code tokenizers}.
 *
 * @param content the literal text that maps to the token
 * @param singleWord match only where not preceded or followed by a word character
 * @param lstrip the match swallows the whitespace on its left (offsets only: BERT drops whitespace)
 * @param rstrip the match swallows the whitespace on its right (offsets only)
 * @param normalized match in the normalised text (true) or in the raw text (false)
 * @param special a special token such as {@code [CLS]}
 */
record AddedToken(String content, boolean singleWord, boolean lstrip, boolean rstrip, boolean normalized,
        boolean special) {

    /** A special token as BERT checkpoints define them: matched in the raw text, nothing stripped. */
    static AddedToken special(String content) {
        return new AddedToken(content, false, false, false, false, true);
    }
}
