package org.kd4j.data.tokenize;

import java.util.Arrays;

/**
 * Splits normalised text into words and hands each word to {@link WordPiece}, as the
 * {@code BertPreTokenizer} of Hugging Face {@code tokenizers}: whitespace separates words and is dropped;
 * every punctuation character (ASCII punctuation or Unicode P*) is a word of its own.
 *
 * <p>Also holds the fast path for pure-ASCII text, which fuses the normaliser into the split: for ASCII,
 * cleaning and lowercasing are per character and NFD is the identity, so each char is classified once
 * through a 128-entry table. Immutable; the per-call state lives in {@link Workspace}.
 */
final class BertPreTokenizer {

    private static final byte DROP = 0;
    private static final byte SPACE = 1;
    private static final byte PUNCT = 2;
    private static final byte WORD = 3;

    /** Per-call buffers; not shared between threads. */
    static final class Workspace {
        char[] word = new char[64];
        final IntList matches = new IntList(16);

        char[] grow(int needed) {
            if (needed > word.length) {
                word = Arrays.copyOf(word, Math.max(needed, word.length * 2));
            }
            return word;
        }
    }

    private final WordPiece wordPiece;
    private final byte[] asciiClass = new byte[128];
    private final char[] asciiMap = new char[128];

    BertPreTokenizer(WordPiece wordPiece, BertNormalizer normalizer) {
        this.wordPiece = wordPiece;
        for (char c = 0; c < 128; c++) {
            int flags = CharClass.of(c);
            byte cls = WORD;
            if (normalizer.cleanText() && (c == 0 || (flags & CharClass.CONTROL) != 0)) {
                cls = DROP;
            } else if ((flags & CharClass.WHITESPACE) != 0) {
                cls = SPACE;
            } else if ((flags & CharClass.PUNCTUATION) != 0) {
                cls = PUNCT;
            }
            asciiClass[c] = cls;
            asciiMap[c] = normalizer.lowercase() ? Character.toLowerCase(c) : c;
        }
    }

    /**
     * Normalises and splits raw {@code text[from, to)} if it is pure ASCII, appending the ids to
     * {@code out}; returns false, with {@code out} unchanged, at the first non-ASCII char.
     */
    boolean encodeAscii(String text, int from, int to, IntList out, Workspace ws) {
        int mark = out.size();
        char[] word = ws.word;
        int length = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= 128) {
                out.truncate(mark);
                return false;
            }
            switch (asciiClass[c]) {
                case WORD -> {
                    if (length == word.length) {
                        word = ws.grow(length + 1);
                    }
                    word[length++] = asciiMap[c];
                }
                case SPACE -> {
                    if (length > 0) {
                        wordPiece.encode(word, length, length, out);
                        length = 0;
                    }
                }
                case PUNCT -> {
                    if (length > 0) {
                        wordPiece.encode(word, length, length, out);
                    }
                    word[0] = asciiMap[c];
                    wordPiece.encode(word, 1, 1, out);
                    length = 0;
                }
                default -> { } // DROP
            }
        }
        if (length > 0) {
            wordPiece.encode(word, length, length, out);
        }
        return true;
    }

    /** Splits normalised {@code text[from, to)}, appending the ids to {@code out}. */
    void encode(String text, int from, int to, IntList out, Workspace ws) {
        char[] word = ws.word;
        int length = 0;
        int codePoints = 0;
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            int flags = CharClass.of(cp);
            if ((flags & (CharClass.WHITESPACE | CharClass.PUNCTUATION)) != 0) {
                if (length > 0) {
                    wordPiece.encode(word, length, codePoints, out);
                    length = 0;
                    codePoints = 0;
                }
                if ((flags & CharClass.PUNCTUATION) != 0) {
                    Character.toChars(cp, word, 0);
                    wordPiece.encode(word, n, 1, out);
                }
            } else {
                if (length + n > word.length) {
                    word = ws.grow(length + n);
                }
                Character.toChars(cp, word, length);
                length += n;
                codePoints++;
            }
            i += n;
        }
        if (length > 0) {
            wordPiece.encode(word, length, codePoints, out);
        }
    }
}
