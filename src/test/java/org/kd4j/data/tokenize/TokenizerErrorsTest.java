package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;

/** Bad vocab.txt, tokenizer.json and tokenizer_config.json files fail with messages naming what is wrong. */
class TokenizerErrorsTest {

    @TempDir Path dir;

    @Test
    void unknownSpec() {
        assertMessage(() -> BertTokenizer.load("bert-base-nope"),
                "tokenizer 'bert-base-nope': not a bundled vocabulary [bert-base-uncased, bert-base-cased]");
    }

    @Test
    void missingVocab() {
        Path file = dir.resolve("missing.txt");
        assertMessage(() -> BertTokenizer.fromVocab(file, true), file + ": vocab file not found");
    }

    @Test
    void emptyVocab() throws IOException {
        assertMessage(() -> BertTokenizer.fromVocab(vocab(""), true), "empty vocabulary");
    }

    @Test
    void duplicateToken() throws IOException {
        Path file = vocab("[PAD]\n[UNK]\nhello\n[CLS]\nhello\n[SEP]\n");
        assertMessage(() -> BertTokenizer.fromVocab(file, true),
                file + ": line 5: duplicate token 'hello' (first on line 3)");
    }

    @Test
    void emptyLine() throws IOException {
        Path file = vocab("[PAD]\n\n[UNK]\n");
        assertMessage(() -> BertTokenizer.fromVocab(file, true), file + ": line 2: empty token");
    }

    @Test
    void missingSpecialToken() throws IOException {
        Path file = vocab("[PAD]\n[UNK]\n[SEP]\nhello\n");
        assertMessage(() -> BertTokenizer.fromVocab(file, true),
                file + ": required special token [CLS] not found (expected a line holding exactly '[CLS]')");
    }

    @Test
    void notUtf8() throws IOException {
        Path file = dir.resolve("vocab.txt");
        Files.write(file, new byte[] {'[', 'P', 'A', 'D', ']', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
        assertMessage(() -> BertTokenizer.fromVocab(file, true), "not valid UTF-8");
    }

    @Test
    void emptyDirectory() {
        assertMessage(() -> BertTokenizer.load(dir.toString()), dir + ": holds neither tokenizer.json nor vocab.txt");
    }

    @Test
    void modelIsNotWordPiece() throws IOException {
        Path json = tokenizerJson(root -> ((ObjectNode) root.get("model")).put("type", "BPE"));
        assertMessage(() -> BertTokenizer.fromTokenizerJson(json),
                json + ": field 'model.type': expected \"WordPiece\", found \"BPE\"");
    }

    @Test
    void normalizerIsNotBert() throws IOException {
        Path json = tokenizerJson(root -> ((ObjectNode) root.get("normalizer")).put("type", "Lowercase"));
        assertMessage(() -> BertTokenizer.fromTokenizerJson(json),
                "field 'normalizer.type': expected \"BertNormalizer\", found \"Lowercase\"");
        Path noNormalizer = tokenizerJson(root -> root.putNull("normalizer"));
        assertMessage(() -> BertTokenizer.fromTokenizerJson(noNormalizer),
                "field 'normalizer': expected an object with \"type\": \"BertNormalizer\", found null");
    }

    @Test
    void preTokenizerIsNotBert() throws IOException {
        Path json = tokenizerJson(root -> ((ObjectNode) root.get("pre_tokenizer")).put("type", "Whitespace"));
        assertMessage(() -> BertTokenizer.fromTokenizerJson(json),
                "field 'pre_tokenizer.type': expected \"BertPreTokenizer\", found \"Whitespace\"");
    }

    @Test
    void postProcessorIsNotBert() throws IOException {
        Path json = tokenizerJson(root -> ((ObjectNode) root.get("post_processor")).put("type", "RobertaProcessing"));
        assertMessage(() -> BertTokenizer.fromTokenizerJson(json),
                "field 'post_processor': expected an object with \"type\": \"TemplateProcessing\" or \"BertProcessing\","
                        + " found \"RobertaProcessing\"");
        Path reordered = tokenizerJson(root -> ((ObjectNode) root.get("post_processor")).set("single",
                root.get("post_processor").get("pair")));
        assertMessage(() -> BertTokenizer.fromTokenizerJson(reordered), "field 'post_processor.single/pair'");
    }

    @Test
    void unknownTokenMissing() throws IOException {
        Path json = tokenizerJson(root -> ((ObjectNode) root.get("model")).put("unk_token", "<unk>"));
        assertMessage(() -> BertTokenizer.fromTokenizerJson(json),
                "field 'model.unk_token': expected a token of model.vocab, found \"<unk>\"");
    }

    @Test
    void wrongFieldType() throws IOException {
        Path json = tokenizerJson(root -> ((ObjectNode) root.get("normalizer")).put("lowercase", "yes"));
        assertMessage(() -> BertTokenizer.fromTokenizerJson(json),
                "field 'normalizer.lowercase': expected true or false, found \"yes\"");
    }

    @Test
    void invalidJson() throws IOException {
        Path json = dir.resolve("tokenizer.json");
        Files.writeString(json, "{\"model\": {\n  \"type\": ");
        assertMessage(() -> BertTokenizer.fromTokenizerJson(json), json + ": not valid JSON at line 2");
    }

    @Test
    void badTokenizerConfig() throws IOException {
        BertTokenizerLoadTest.copyVocab("bert-base-uncased", dir.resolve("vocab.txt"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": \"yes\"}");
        assertMessage(() -> BertTokenizer.load(dir.toString()),
                "tokenizer_config.json: field 'do_lower_case': expected true or false, found \"yes\"");
    }

    private Path vocab(String content) throws IOException {
        Path file = dir.resolve("vocab.txt");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private Path tokenizerJson(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = TestTokenizers.uncased();
        edit.accept(root);
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, TestTokenizers.write(root));
        return file;
    }

    private static void assertMessage(Executable executable, String expected) {
        KdException e = assertThrows(KdException.class, executable);
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage() + "\nexpected to contain: " + expected);
    }
}
