package org.kd4j.data.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;

/**
 * Reads a Hugging Face tokenizer.json of a BERT-style tokenizer: model {@code WordPiece}, normalizer
 * {@code BertNormalizer}, pre_tokenizer {@code BertPreTokenizer}, post_processor {@code TemplateProcessing}
 * of the shape {@code [CLS] $A [SEP] ($B [SEP]:1)} or {@code BertProcessing}, plus {@code added_tokens}.
 * Anything else is rejected with the file, the field and the value found. {@code truncation} and
 * {@code padding} are ignored: {@link BertTokenizer#encode} takes the maximum length per call.
 */
final class TokenizerJson {

    private static final Logger LOG = LogManager.getLogger(TokenizerJson.class);

    private TokenizerJson() {}

    static BertTokenizer read(Path path) {
        JsonNode root = JsonFields.parse(path);
        BertTokenizer tokenizer = build(root, new JsonFields(path.toString()), path.toString());
        LOG.debug("loaded {} from {}", tokenizer.describe(), path);
        return tokenizer;
    }

    private static BertTokenizer build(JsonNode root, JsonFields json, String name) {
        json.requireType(root, "model", "WordPiece");
        json.requireType(root, "normalizer", "BertNormalizer");
        json.requireType(root, "pre_tokenizer", "BertPreTokenizer");

        JsonNode model = root.get("model");
        Vocab vocab = Vocab.of(readVocab(json, json.object(model, "vocab", "model.vocab")),
                json.file() + ": field 'model.vocab'");
        String unkToken = json.text(model, "unk_token", "model.unk_token");
        int unkId = vocab.id(unkToken);
        if (unkId < 0) {
            throw json.error("model.unk_token", "a token of model.vocab", model.get("unk_token"));
        }
        WordPieceSettings settings = new WordPieceSettings(unkId,
                json.text(model, "continuing_subword_prefix", "model.continuing_subword_prefix"),
                json.nonNegativeInt(model, "max_input_chars_per_word", "model.max_input_chars_per_word"));

        JsonNode n = root.get("normalizer");
        boolean lowercase = json.bool(n, "lowercase", "normalizer.lowercase");
        Boolean strip = json.optionalBool(n, "strip_accents", "normalizer.strip_accents");
        BertNormalizer normalizer = new BertNormalizer(json.bool(n, "clean_text", "normalizer.clean_text"),
                json.bool(n, "handle_chinese_chars", "normalizer.handle_chinese_chars"),
                strip == null ? lowercase : strip, lowercase);

        List<AddedToken> added = readAddedTokens(json, root.get("added_tokens"));
        int[] clsSep = readPostProcessor(json, root.get("post_processor"));
        int padId = readPadId(json, root.get("padding"), new AddedVocabulary(added, vocab, normalizer));
        return new BertTokenizer(name, vocab, normalizer, settings, added, clsSep[0], clsSep[1], padId);
    }

    private static Map<String, Integer> readVocab(JsonFields json, JsonNode node) {
        Map<String, Integer> vocab = new HashMap<>(node.size() * 2);
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode id = e.getValue();
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
                throw json.error("model.vocab." + e.getKey(), "an integer id >= 0", id);
            }
            vocab.put(e.getKey(), id.intValue());
        }
        return vocab;
    }

    private static List<AddedToken> readAddedTokens(JsonFields json, JsonNode node) {
        List<AddedToken> added = new ArrayList<>();
        if (node == null || node.isNull()) {
            return added;
        }
        if (!node.isArray()) {
            throw json.error("added_tokens", "an array", node);
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            String path = "added_tokens[" + i + "]";
            if (!t.isObject()) {
                throw json.error(path, "an object", t);
            }
            added.add(new AddedToken(json.text(t, "content", path + ".content"),
                    json.bool(t, "single_word", path + ".single_word"), json.bool(t, "lstrip", path + ".lstrip"),
                    json.bool(t, "rstrip", path + ".rstrip"), json.bool(t, "normalized", path + ".normalized"),
                    json.bool(t, "special", path + ".special")));
        }
        return added;
    }

    /** {@code {clsId, sepId}} of a BERT-shaped post-processor. */
    private static int[] readPostProcessor(JsonFields json, JsonNode pp) {
        String type = pp == null || !pp.isObject() ? null : pp.path("type").asText(null);
        if ("BertProcessing".equals(type)) {
            return new int[] {pairId(json, pp, "cls"), pairId(json, pp, "sep")};
        }
        if (!"TemplateProcessing".equals(type)) {
            throw json.error("post_processor", "an object with \"type\": \"TemplateProcessing\" or \"BertProcessing\"",
                    pp == null ? null : pp.get("type") == null ? pp : pp.get("type"));
        }
        JsonNode single = pp.get("single");
        JsonNode pair = pp.get("pair");
        String cls = specialAt(single, 0, 0);
        String sep = specialAt(single, 2, 0);
        boolean ok = single != null && single.size() == 3 && cls != null && sep != null
                && "A".equals(sequenceAt(single, 1, 0))
                && pair != null && pair.size() == 5
                && cls.equals(specialAt(pair, 0, 0)) && "A".equals(sequenceAt(pair, 1, 0))
                && sep.equals(specialAt(pair, 2, 0)) && "B".equals(sequenceAt(pair, 3, 1))
                && sep.equals(specialAt(pair, 4, 1));
        if (!ok) {
            throw json.error("post_processor.single/pair",
                    "[CLS] $A:0 [SEP]:0 and [CLS] $A:0 [SEP]:0 $B:1 [SEP]:1", single);
        }
        return new int[] {templateId(json, pp, cls), templateId(json, pp, sep)};
    }

    private static int pairId(JsonFields json, JsonNode pp, String field) {
        JsonNode pair = pp.get(field);
        if (pair == null || !pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual()
                || !pair.get(1).canConvertToInt()) {
            throw json.error("post_processor." + field, "[token, id]", pair);
        }
        return pair.get(1).intValue();
    }

    private static int templateId(JsonFields json, JsonNode pp, String token) {
        JsonNode ids = pp.path("special_tokens").path(token).path("ids");
        if (!ids.isArray() || ids.size() != 1 || !ids.get(0).canConvertToInt()) {
            throw json.error("post_processor.special_tokens." + token + ".ids", "one id", ids);
        }
        return ids.get(0).intValue();
    }

    private static String specialAt(JsonNode template, int index, int typeId) {
        JsonNode piece = template == null ? null : template.path(index).get("SpecialToken");
        return piece != null && piece.path("type_id").asInt(-1) == typeId ? piece.path("id").asText(null) : null;
    }

    private static String sequenceAt(JsonNode template, int index, int typeId) {
        JsonNode piece = template == null ? null : template.path(index).get("Sequence");
        return piece != null && piece.path("type_id").asInt(-1) == typeId ? piece.path("id").asText(null) : null;
    }

    /** {@code padding.pad_id} where padding is set, else the id of {@code [PAD]}. */
    private static int readPadId(JsonFields json, JsonNode padding, AddedVocabulary added) {
        if (padding != null && padding.isObject() && padding.has("pad_id")) {
            return json.nonNegativeInt(padding, "pad_id", "padding.pad_id");
        }
        int pad = added.id("[PAD]");
        if (pad < 0) {
            throw new KdException(json.file() + ": no padding token: expected padding.pad_id or a token [PAD],"
                    + " found neither");
        }
        return pad;
    }
}
