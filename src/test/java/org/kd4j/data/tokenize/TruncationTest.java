package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves which longest-first algorithm Hugging Face tokenizers runs: over every (lengthA, lengthB,
 * maxLength) in a grid, the kept lengths of the oracle equal {@link Truncation}'s closed form, while the
 * one-token-at-a-time loop of the slow Python tokenizers disagrees with the oracle on part of the grid.
 */
class TruncationTest {

    private static final int MAX_SEQUENCE = 12;

    @Test
    void pairsMatchTheClosedFormAndNotTheLoop(@TempDir Path dir) throws IOException {
        BertTokenizer tokenizer = tiny(dir);
        List<String> loopDisagrees = new ArrayList<>();
        for (int maxLength = 3; maxLength <= 2 * MAX_SEQUENCE + 4; maxLength++) {
            HfOracle oracle = HfOracle.of("tiny", TestTokenizers::tinyJson, maxLength);
            for (int a = 0; a <= MAX_SEQUENCE; a++) {
                for (int b = 0; b <= MAX_SEQUENCE; b++) {
                    Encoding expected = oracle.encode(words("a", a), words("b", b));
                    int[] kept = {count(expected, TestTokenizers.TINY_A), count(expected, TestTokenizers.TINY_B)};
                    String where = "lengths " + a + ", " + b + ", maxLength " + maxLength;
                    assertArrayEquals(kept, Truncation.longestFirst(a, b, maxLength - 3), where);
                    assertEquals(expected, tokenizer.encode(words("a", a), words("b", b), maxLength), where);
                    if (!java.util.Arrays.equals(kept, oneAtATime(a, b, maxLength - 3))) {
                        loopDisagrees.add(where + ": hf keeps " + kept[0] + ", " + kept[1]);
                    }
                }
            }
        }
        assertTrue(loopDisagrees.size() > 100, "the loop should disagree with HF somewhere: " + loopDisagrees);
        assertTrue(loopDisagrees.contains("lengths 5, 5, maxLength 10: hf keeps 3, 4"), loopDisagrees.toString());
    }

    @Test
    void singlesKeepTheFirstTokens(@TempDir Path dir) throws IOException {
        BertTokenizer tokenizer = tiny(dir);
        for (int maxLength = 2; maxLength <= 20; maxLength++) {
            HfOracle oracle = HfOracle.of("tiny", TestTokenizers::tinyJson, maxLength);
            for (int a = 0; a <= 20; a++) {
                Encoding expected = oracle.encode(words("a", a), null);
                assertEquals(Truncation.single(a, maxLength - 2), count(expected, TestTokenizers.TINY_A));
                assertEquals(expected, tokenizer.encode(words("a", a), null, maxLength));
            }
        }
    }

    @Test
    void closedFormByHand() {
        assertArrayEquals(new int[] {3, 4}, Truncation.longestFirst(5, 5, 7));
        assertArrayEquals(new int[] {4, 3}, Truncation.longestFirst(6, 5, 7));
        assertArrayEquals(new int[] {2, 8}, Truncation.longestFirst(2, 20, 10));
        assertArrayEquals(new int[] {0, 0}, Truncation.longestFirst(4, 9, 0));
        assertArrayEquals(new int[] {1, 2}, Truncation.longestFirst(30, 40, 3));
        assertArrayEquals(new int[] {5, 5}, Truncation.longestFirst(5, 5, 10));
    }

    @Test
    void maxLengthBelowTheSpecialTokensIsRejected() {
        BertTokenizer tokenizer = BertTokenizer.load("bert-base-uncased");
        IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
                () -> tokenizer.encode("hello", null, 1));
        assertTrue(single.getMessage().contains("maxLength 1 is smaller than the 2 special tokens"), single.getMessage());
        IllegalArgumentException pair = assertThrows(IllegalArgumentException.class,
                () -> tokenizer.encode("hello", "world", 2));
        assertTrue(pair.getMessage().contains("maxLength 2 is smaller than the 3 special tokens"), pair.getMessage());
        assertArrayEquals(new int[] {101, 102}, tokenizer.encode("hello world", null, 2).inputIds());
        assertArrayEquals(new int[] {101, 102, 102}, tokenizer.encode("hello", "world", 3).inputIds());
    }

    /** The slow Python tokenizers' loop: drop one token from the longer sequence (B on a tie). */
    private static int[] oneAtATime(int a, int b, int budget) {
        while (a + b > budget) {
            if (a > b) {
                a--;
            } else {
                b--;
            }
        }
        return new int[] {a, b};
    }

    private static BertTokenizer tiny(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, TestTokenizers.tinyJson());
        return BertTokenizer.fromTokenizerJson(file);
    }

    private static String words(String word, int count) {
        return (word + " ").repeat(count);
    }

    private static int count(Encoding encoding, int id) {
        return (int) java.util.Arrays.stream(encoding.inputIds()).filter(x -> x == id).count();
    }
}
