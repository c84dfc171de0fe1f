package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every Unicode scalar value, inside a word ({@code "a" + c + "b"}) and on its own, gives the same ids as
 * Hugging Face tokenizers. This pins the character classes (dropped controls, whitespace, punctuation,
 * CJK, stripped marks) and the case mapping to the Rust side's Unicode tables, code point by code point.
 */
class AllCodePointsParityTest {

    private static final int BATCH = 256;

    @ParameterizedTest
    @ValueSource(strings = {"bert-base-uncased", "bert-base-cased"})
    void everyCodePoint(String vocab) {
        BertTokenizer tokenizer = BertTokenizer.load(vocab);
        HfOracle oracle = Sst2ParityTest.oracle(vocab, HfOracle.NO_LIMIT);
        List<String> mismatches = new ArrayList<>();
        int cp = 0;
        while (cp <= Character.MAX_CODE_POINT) {
            StringBuilder batch = new StringBuilder();
            int first = cp;
            for (int n = 0; n < BATCH && cp <= Character.MAX_CODE_POINT; cp++) {
                if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                    continue;
                }
                batch.append(unit(cp)).append(' ');
                n++;
            }
            if (!Arrays.equals(oracle.wordPieceIds(batch.toString()), tokenizer.wordPieceIds(batch.toString()))) {
                for (int c = first; c < cp; c++) {
                    if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                        continue;
                    }
                    int[] expected = oracle.wordPieceIds(unit(c));
                    int[] actual = tokenizer.wordPieceIds(unit(c));
                    if (!Arrays.equals(expected, actual)) {
                        mismatches.add(String.format("U+%04X %s: hf %s, kd4j %s", c, Character.getName(c),
                                Arrays.toString(expected), Arrays.toString(actual)));
                    }
                }
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(40, mismatches.size())),
                mismatches.size() + " code points differ");
    }

    private static String unit(int cp) {
        String c = new String(Character.toChars(cp));
        return "a" + c + "b " + c;
    }
}
