package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** Greedy longest-match-first on a small vocabulary. */
class WordPieceTest {

    private static final WordPiece WORD_PIECE = wordPiece("[UNK]\nun\n##aff\n##able\naff\n##a\nrun\n##ning\n##n\n😀\n##😀\n");

    @Test
    void longestMatchFirst() {
        assertArrayEquals(new int[] {1, 2, 3}, encode("unaffable"));
        assertArrayEquals(new int[] {6, 7}, encode("running"));
        assertArrayEquals(new int[] {4, 5}, encode("affa"));
    }

    @Test
    void unmatchableWordIsOneUnknown() {
        assertArrayEquals(new int[] {0}, encode("unx"));
        assertArrayEquals(new int[] {0}, encode("x"));
    }

    @Test
    void surrogatePairsAndTheLengthLimitCountCodePoints() {
        assertArrayEquals(new int[] {9, 10, 10}, encode("😀😀😀"));
        WordPiece limited = new WordPiece(vocab("[UNK]\n😀\n##😀\n"), 0, "##", 3);
        IntList out = new IntList(4);
        char[] word = "😀😀😀".toCharArray();
        limited.encode(word, word.length, 3, out);
        assertArrayEquals(new int[] {1, 2, 2}, out.toArray());
        out = new IntList(4);
        word = "😀😀😀😀".toCharArray();
        limited.encode(word, word.length, 4, out);
        assertArrayEquals(new int[] {0}, out.toArray());
    }

    private static int[] encode(String word) {
        IntList out = new IntList(4);
        char[] chars = word.toCharArray();
        WORD_PIECE.encode(chars, chars.length, word.codePointCount(0, word.length()), out);
        return out.toArray();
    }

    private static WordPiece wordPiece(String lines) {
        return new WordPiece(vocab(lines), 0, "##", 100);
    }

    private static Vocab vocab(String lines) {
        try {
            return Vocab.read(new BufferedReader(new StringReader(lines)), "test");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
