package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tokenizer written as tokenizer.json (what {@code export} puts beside the ONNX file) reads back as the same
 * tokenizer, and the Rust Hugging Face library gives the same ids from it.
 */
class TokenizerJsonWriterTest {

    private static final List<String[]> TEXTS = List.of(
            new String[] {"a gorgeous, witty, seductive movie.", null},
            new String[] {"Naïve Café résumé in İstanbul — 日本語 😀 [MASK] unaffable", null},
            new String[] {"The UNBELIEVABLY long-winded plot", "was it worth 12,345.67 dollars?"},
            new String[] {"[CLS] hello [SEP] world", "\u00A0tabs\tand\nnewlines"});

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"bert-base-uncased", "bert-base-cased"})
    void readsBackAsTheSameTokenizerAndTheRustLibraryAgrees(String name) throws IOException {
        BertTokenizer original = BertTokenizer.load(name);
        Path file = dir.resolve(name + "/tokenizer.json");
        original.writeTokenizerJson(file, 16);

        BertTokenizer back = BertTokenizer.load(file.toString());
        assertEquals(original.fingerprint(), back.fingerprint());
        assertEquals(original.vocabSize(), back.vocabSize());

        String json = Files.readString(file);
        HfOracle rust = HfOracle.of("written-" + name, () -> json, 16);
        for (String[] t : TEXTS) {
            Encoding ours = original.encode(t[0], t[1], 16);
            Encoding theirs = rust.encode(t[0], t[1]);
            assertArrayEquals(ours.inputIds(), theirs.inputIds(), String.join(" | ", t[0], String.valueOf(t[1])));
            assertArrayEquals(ours.tokenTypeIds(), theirs.tokenTypeIds());
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals(16, root.get("truncation").get("max_length").asInt());
        assertEquals("LongestFirst", root.get("truncation").get("strategy").asText());
        assertEquals(!name.endsWith("-cased"), root.get("normalizer").get("lowercase").asBoolean());
    }

    @Test
    void aVocabTxtWithAddedTokensAndNoTruncation() throws IOException {
        String added = TestTokenizers.uncasedWith("{\"content\": \"<movie>\", \"normalized\": false, \"special\": true}",
                "{\"content\": \"kd4j\"}");
        Path source = dir.resolve("source.json");
        Files.writeString(source, added);
        BertTokenizer original = BertTokenizer.load(source.toString());
        Path file = dir.resolve("out/tokenizer.json");
        original.writeTokenizerJson(file, 0);
        BertTokenizer back = BertTokenizer.load(file.toString());
        assertEquals(original.fingerprint(), back.fingerprint());
        Encoding e = back.encode("the <movie> about kd4j", null, 64);
        assertArrayEquals(original.encode("the <movie> about kd4j", null, 64).inputIds(), e.inputIds());
        assertTrue(e.inputIds().length == 6, java.util.Arrays.toString(e.inputIds()));
        try {
            assertTrue(new ObjectMapper().readTree(file.toFile()).get("truncation").isNull());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
