package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every SST-2 dev sentence gives the same ids as Hugging Face tokenizers, alone and paired. */
class Sst2ParityTest {

    private static final List<String> DEV = TokenizerBenchmark.readFirstColumn(Path.of("datasets/glue/SST-2/dev.tsv"));

    @ParameterizedTest(name = "{0}, maxLength {1}")
    @CsvSource({"bert-base-uncased, 128", "bert-base-uncased, 16", "bert-base-cased, 128", "bert-base-cased, 16"})
    void singleSentences(String vocab, int maxLength) {
        BertTokenizer tokenizer = BertTokenizer.load(vocab);
        HfOracle oracle = oracle(vocab, maxLength);
        assertTrue(DEV.size() > 800, "dev sentences: " + DEV.size());
        List<String> mismatches = new ArrayList<>();
        for (String sentence : DEV) {
            Encoding expected = oracle.encode(sentence, null);
            Encoding actual = tokenizer.encode(sentence, null, maxLength);
            if (!expected.equals(actual)) {
                mismatches.add(sentence + "\n  hf:   " + expected + "\n  kd4j: " + actual);
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(5, mismatches.size())), mismatches.size() + " mismatches");
    }

    @ParameterizedTest(name = "{0}, maxLength {1}")
    @CsvSource({"bert-base-uncased, 128", "bert-base-uncased, 16", "bert-base-cased, 24"})
    void consecutiveSentencesAsPairs(String vocab, int maxLength) {
        BertTokenizer tokenizer = BertTokenizer.load(vocab);
        HfOracle oracle = oracle(vocab, maxLength);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i + 1 < DEV.size(); i += 2) {
            Encoding expected = oracle.encode(DEV.get(i), DEV.get(i + 1));
            Encoding actual = tokenizer.encode(DEV.get(i), DEV.get(i + 1), maxLength);
            if (!expected.equals(actual)) {
                mismatches.add(DEV.get(i) + " ||| " + DEV.get(i + 1) + "\n  hf:   " + expected + "\n  kd4j: " + actual);
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(5, mismatches.size())), mismatches.size() + " mismatches");
    }

    static HfOracle oracle(String vocab, int maxLength) {
        return vocab.equals("bert-base-uncased") ? HfOracle.uncased(maxLength) : HfOracle.cased(maxLength);
    }
}
