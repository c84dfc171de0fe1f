package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Hand-checked encodings of the behaviours that surprise; each is also compared with the oracle. */
class BertTokenizerTest {

    private static final BertTokenizer UNCASED = BertTokenizer.load("bert-base-uncased");
    private static final BertTokenizer CASED = BertTokenizer.load("bert-base-cased");

    @Test
    void specialTokensInTheRawTextMapToTheirIds() {
        assertUncased("hello [SEP] world", 7592, 102, 2088);
        assertUncased("[MASK]", 103);
        assertUncased("a[CLS]b", 1037, 101, 1038);
        assertUncased("[[SEP]]", 1031, 102, 1033);
        // matched before lowercasing, so the lowercase spelling is ordinary text
        assertUncased("[mask]", 1031, 7308, 1033);
    }

    @Test
    void caseMappingIsPerCodePoint() {
        assertUncased("İstanbul", 9960); // İ -> NFD I + U+0307 -> mark stripped -> i
        assertUncased("ΣΑΣ", 1173, 14608, 29733); // σ ##α ##σ: no final-sigma rule
        assertUncased("ẞ straße", 1096, 2358, 27807); // ẞ lowercases to ß
    }

    @Test
    void controlsAndSpaces() {
        assertUncased("a\u000Bb", 11113); // U+000B is a control before it is whitespace: dropped
        assertUncased("a\u00A0b", 1037, 1038); // NBSP separates words
        assertUncased("a\u200Bb", 11113); // zero-width space is a format char: dropped
        assertUncased("\uFFFD\u0000", new int[0]);
    }

    @Test
    void wordPieceSplitsAndUnknownWords() {
        assertUncased("unaffable", 14477, 20961, 3468); // un ##aff ##able
        int[] hundred = UNCASED.wordPieceIds("x".repeat(100)); // xx ##xx ... ##xx: at the limit, still split
        assertEquals(50, hundred.length);
        assertArrayEquals(HfOracle.uncased(HfOracle.NO_LIMIT).wordPieceIds("x".repeat(100)), hundred);
        assertUncased("x".repeat(101), 100); // over max_input_chars_per_word
        assertUncased("😀 ok", 100, 7929);
    }

    @Test
    void pairsAndTypeIds() {
        Encoding e = UNCASED.encode("hello world", "how are you", 128);
        assertArrayEquals(new int[] {101, 7592, 2088, 102, 2129, 2024, 2017, 102}, e.inputIds());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1}, e.tokenTypeIds());
        assertEquals(8, e.length());
        assertEquals(HfOracle.uncased(128).encode("hello world", "how are you"), e);
    }

    @Test
    void casedKeepsCaseAndAccents() {
        int[] ids = CASED.wordPieceIds("Café");
        assertArrayEquals(HfOracle.cased(HfOracle.NO_LIMIT).wordPieceIds("Café"), ids);
        assertEquals(false, java.util.Arrays.equals(ids, CASED.wordPieceIds("cafe")));
    }

    @Test
    void concurrentUseGivesTheSameIds() throws Exception {
        List<String> texts = List.of("it 's a charming and often affecting journey . ", "naïve café [SEP] 中文 😀",
                "unflinchingly bleak and desperate ");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        String text = texts.get(i % texts.size());
                        if (!UNCASED.encode(text, text, 64).equals(UNCASED.encode(text, text, 64))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertEquals(true, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertUncased(String text, int... expected) {
        assertArrayEquals(expected, UNCASED.wordPieceIds(text), text);
        assertArrayEquals(HfOracle.uncased(HfOracle.NO_LIMIT).wordPieceIds(text), expected, "oracle: " + text);
    }
}
