package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's statistics and its checksum (timings themselves are not asserted). */
class TokenizerBenchmarkTest {

    @Test
    void statisticsOverPasses() {
        TokenizerBenchmark.Result result = new TokenizerBenchmark.Result("t", 100, 1000, new double[] {0.5, 0.25, 1.0, 2.0}, 7);
        assertEquals(50, result.minSentencesPerSecond(), 1e-9);
        assertEquals(400, result.maxSentencesPerSecond(), 1e-9);
        assertEquals(150, result.medianSentencesPerSecond(), 1e-9); // (100 + 200) / 2
        String table = result.toMarkdown();
        assertTrue(table.contains("| sentences/s | 150 | 50 | 400 |"), table);
        assertTrue(table.contains("| tokens/s | 1,500 | 500 | 4,000 |"), table);
    }

    @Test
    void checksumCoversEveryId() {
        BertTokenizer tokenizer = BertTokenizer.load("bert-base-uncased");
        List<String> sentences = List.of("hello world", "a charming journey", "");
        TokenizerBenchmark.Result result = TokenizerBenchmark.run(tokenizer, sentences, 1, 3, 16);
        long checksum = 0;
        long tokens = 0;
        for (String s : sentences) {
            int[] ids = tokenizer.encode(s, null, 16).inputIds();
            checksum += Arrays.stream(ids).sum();
            tokens += ids.length;
        }
        assertEquals(checksum, result.checksum());
        assertEquals(tokens, result.tokensPerPass());
        assertEquals(3, result.passSeconds().length);
        assertThrows(IllegalArgumentException.class, () -> TokenizerBenchmark.run(tokenizer, List.of(), 0, 1, 16));
    }
}
