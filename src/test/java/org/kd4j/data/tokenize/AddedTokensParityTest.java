package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Added tokens with every matching option of tokenizer.json ({@code lstrip}, {@code rstrip},
 * {@code single_word}, {@code normalized}) give the same ids as Hugging Face tokenizers, and tokens outside
 * the vocabulary get ids after it.
 */
class AddedTokensParityTest {

    private static final String[] ADDED = {
        "{\"content\": \"<ent>\", \"lstrip\": true, \"rstrip\": true, \"normalized\": false, \"special\": true}",
        "{\"content\": \"newword\"}",
        "{\"content\": \"HeLLo wOrld\"}",
        "{\"content\": \"ab\", \"single_word\": true, \"normalized\": false}",
        "{\"content\": \"Ünï\"}",
        "{\"content\": \"x<y\", \"normalized\": false, \"lstrip\": true}",
        "{\"content\": \"中文\"}",
        "{\"content\": \"run\", \"single_word\": true}",
    };

    private static final String[] PIECES = {
        "<ent>", "newword", "NEWWORD", "HeLLo wOrld", "hello world", "hello  world", "ab", "abc", "xab", "ab1",
        "_ab", "Ünï", "uni", "UNI", "x<y", "x<yx<y", "中文", "中", "文", "run", "running", "[SEP]", "[MASK]", "é",
        " ", "  ", "\t", "\u00A0", ".", "-", "a", "hello", "world", "<", ">",
    };

    @Test
    void randomTextsWithAddedTokens(@TempDir Path dir) throws IOException {
        String json = TestTokenizers.uncasedWith(ADDED);
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json);
        BertTokenizer tokenizer = BertTokenizer.fromTokenizerJson(file);
        HfOracle oracle = HfOracle.of("uncased+added", () -> json, HfOracle.NO_LIMIT);
        Random random = new Random(7);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(8);
            for (int k = 0; k < n; k++) {
                sb.append(PIECES[random.nextInt(PIECES.length)]);
                if (random.nextBoolean()) {
                    sb.append(' ');
                }
            }
            String text = sb.toString();
            int[] expected = oracle.wordPieceIds(text);
            int[] actual = tokenizer.wordPieceIds(text);
            if (!java.util.Arrays.equals(expected, actual)) {
                mismatches.add(HardStringsParityTest.escape(text) + ": hf " + java.util.Arrays.toString(expected)
                        + ", kd4j " + java.util.Arrays.toString(actual));
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(10, mismatches.size())),
                mismatches.size() + " mismatches");
        // "ab" and "run" are in the WordPiece vocabulary and keep their ids; the six others follow it.
        assertEquals(30522 + 6, tokenizer.vocabSize());
        assertArrayEquals(new int[] {30522, 30523}, tokenizer.wordPieceIds("<ent>NewWord"));
        assertArrayEquals(oracle.wordPieceIds("ab run"), tokenizer.wordPieceIds("ab run"));
    }
}
