package org.kd4j.data.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** tokenizer.json texts for tests: a seven-token BERT tokenizer, and the uncased one with extra tokens. */
final class TestTokenizers {

    static final int TINY_A = 5;
    static final int TINY_B = 6;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> TINY_VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b");

    private TestTokenizers() {}

    /** bert-base-uncased's structure with the vocabulary {@code [PAD] [UNK] [CLS] [SEP] [MASK] a b}. */
    static String tinyJson() {
        ObjectNode root = uncased();
        ObjectNode vocab = MAPPER.createObjectNode();
        for (int i = 0; i < TINY_VOCAB.size(); i++) {
            vocab.put(TINY_VOCAB.get(i), i);
        }
        ((ObjectNode) root.get("model")).set("vocab", vocab);
        for (var token : root.get("added_tokens")) {
            ((ObjectNode) token).put("id", vocab.get(token.get("content").asText()).asInt());
        }
        ObjectNode specials = (ObjectNode) root.get("post_processor").get("special_tokens");
        specials.fields().forEachRemaining(e -> ((ArrayNode) e.getValue().get("ids")).removeAll()
                .add(vocab.get(e.getKey()).asInt()));
        return write(root);
    }

    /** bert-base-uncased plus added tokens given as JSON objects (without ids). */
    static String uncasedWith(String... addedTokens) {
        ObjectNode root = uncased();
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        int id = 30522;
        for (String token : addedTokens) {
            try {
                ObjectNode node = (ObjectNode) MAPPER.readTree(token);
                node.put("id", id++);
                for (String flag : List.of("single_word", "lstrip", "rstrip", "normalized", "special")) {
                    if (!node.has(flag)) {
                        node.put(flag, flag.equals("normalized"));
                    }
                }
                added.add(node);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return write(root);
    }

    static ObjectNode uncased() {
        try {
            return (ObjectNode) MAPPER.readTree(HfOracle.uncasedJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
