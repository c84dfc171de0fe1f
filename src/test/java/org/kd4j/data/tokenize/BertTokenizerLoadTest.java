package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every spec form (bundled name, vocab.txt, tokenizer.json, directory) loads the tokenizer it names. */
class BertTokenizerLoadTest {

    private static final List<String> SAMPLES = List.of("Hello, World!", "it 's a charming and often affecting journey . ",
            "Ångström naïve CAFÉ [MASK] 中文", "unaffable [SEP] running");

    @Test
    void bundledVocabularies() {
        BertTokenizer uncased = BertTokenizer.load("bert-base-uncased");
        assertEquals("bert-base-uncased (30522 tokens, lowercase, strip accents)", uncased.describe());
        assertArrayEquals(new int[] {101, 7592, 2088, 102}, uncased.encode("hello world", null, 128).inputIds());
        assertEquals(List.of(30522, 0, 101, 102, 100),
                List.of(uncased.vocabSize(), uncased.padId(), uncased.clsId(), uncased.sepId(), uncased.unkId()));
        BertTokenizer cased = BertTokenizer.load("bert-base-cased");
        assertEquals("bert-base-cased (28996 tokens, cased)", cased.describe());
        assertArrayEquals(new int[] {101, 8667, 1291, 102}, cased.encode("Hello World", null, 128).inputIds());
        assertNotEquals(uncased.fingerprint(), cased.fingerprint());
        assertEquals(64, uncased.fingerprint().length());
    }

    @Test
    void allFormsOfUncasedAgree(@TempDir Path dir) throws IOException {
        BertTokenizer bundled = BertTokenizer.load("bert-base-uncased");
        Path vocab = copyVocab("bert-base-uncased", dir.resolve("vocab.txt"));
        Path json = dir.resolve("json/tokenizer.json");
        Files.createDirectories(json.getParent());
        Files.writeString(json, HfOracle.uncasedJson());
        List<BertTokenizer> forms = List.of(BertTokenizer.load(vocab.toString()), BertTokenizer.fromVocab(vocab, true),
                BertTokenizer.load(json.toString()), BertTokenizer.fromTokenizerJson(json),
                BertTokenizer.load(dir.toString()), BertTokenizer.load(json.getParent().toString()));
        for (BertTokenizer form : forms) {
            assertEquals(bundled.fingerprint(), form.fingerprint(), form.describe());
            for (String sample : SAMPLES) {
                assertEquals(bundled.encode(sample, "pair", 128), form.encode(sample, "pair", 128), form.describe());
            }
        }
    }

    @Test
    void directoryPrefersTokenizerJson(@TempDir Path dir) throws IOException {
        copyVocab("bert-base-cased", dir.resolve("vocab.txt"));
        Files.writeString(dir.resolve("tokenizer.json"), HfOracle.uncasedJson());
        assertEquals(BertTokenizer.load("bert-base-uncased").fingerprint(), BertTokenizer.load(dir.toString()).fingerprint());
    }

    @Test
    void tokenizerConfigBesideVocabSetsCasing(@TempDir Path dir) throws IOException {
        copyVocab("bert-base-cased", dir.resolve("vocab.txt"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false, \"model_max_length\": 512}");
        BertTokenizer cased = BertTokenizer.load("bert-base-cased");
        assertEquals(cased.fingerprint(), BertTokenizer.load(dir.toString()).fingerprint());
        assertEquals(cased.fingerprint(), BertTokenizer.load(dir.resolve("vocab.txt").toString()).fingerprint());
        assertEquals(cased.fingerprint(), BertTokenizer.fromVocab(dir.resolve("vocab.txt"), false).fingerprint());

        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false, \"strip_accents\": true}");
        BertTokenizer stripped = BertTokenizer.load(dir.toString());
        assertNotEquals(cased.fingerprint(), stripped.fingerprint());
        assertEquals(dir.resolve("vocab.txt") + " (28996 tokens, cased, strip accents)", stripped.describe());
        assertArrayEquals(cased.wordPieceIds("Angstrom"), stripped.wordPieceIds("Ångström"));
    }

    @Test
    void bertProcessingIsAcceptedLikeTheTemplate(@TempDir Path dir) throws IOException {
        ObjectNode root = TestTokenizers.uncased();
        root.set("post_processor", TestTokenizers.uncased().objectNode().put("type", "BertProcessing"));
        ((ObjectNode) root.get("post_processor")).putArray("sep").add("[SEP]").add(102);
        ((ObjectNode) root.get("post_processor")).putArray("cls").add("[CLS]").add(101);
        Path json = dir.resolve("tokenizer.json");
        Files.writeString(json, TestTokenizers.write(root));
        assertEquals(BertTokenizer.load("bert-base-uncased").encode("a b", "c", 16),
                BertTokenizer.fromTokenizerJson(json).encode("a b", "c", 16));
    }

    static Path copyVocab(String name, Path target) throws IOException {
        try (InputStream in = BertTokenizerLoadTest.class.getResourceAsStream("/org/kd4j/vocab/" + name + "/vocab.txt")) {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.copy(in, target);
        }
        return target;
    }
}
