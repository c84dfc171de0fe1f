package org.kd4j.data.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.kd4j.util.AtomicFiles;

/**
 * Writes a {@link BertTokenizer} as the Hugging Face {@code tokenizer.json} that {@link TokenizerJson} reads and the
 * Rust {@code tokenizers} library loads: the layout of the hub's {@code bert-base-uncased} file, with this tokenizer's
 * vocabulary, normaliser settings, WordPiece options and added tokens.
 */
final class TokenizerJsonWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerJsonWriter() {}

    static void write(BertTokenizer tokenizer, Path file, int maxLength) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength must be >= 0 (0: no truncation), got " + maxLength);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        if (maxLength > 0) {
            root.putObject("truncation").put("direction", "Right").put("max_length", maxLength)
                    .put("strategy", "LongestFirst").put("stride", 0);
        } else {
            root.putNull("truncation");
        }
        Vocab vocab = tokenizer.vocab();
        String padToken = token(tokenizer, tokenizer.padId());
        if ("[PAD]".equals(padToken)) {
            root.putNull("padding"); // the reader then takes [PAD]; dynamic padding is the caller's business
        } else {
            root.putObject("padding").put("strategy", "BatchLongest").put("direction", "Right").putNull("pad_to_multiple_of")
                    .put("pad_id", tokenizer.padId()).put("pad_type_id", 0).put("pad_token", String.valueOf(padToken));
        }
        ArrayNode added = root.putArray("added_tokens");
        for (AddedToken t : tokenizer.addedTokens()) {
            added.addObject().put("id", tokenizer.tokenId(t.content())).put("content", t.content())
                    .put("single_word", t.singleWord()).put("lstrip", t.lstrip()).put("rstrip", t.rstrip())
                    .put("normalized", t.normalized()).put("special", t.special());
        }
        BertNormalizer n = tokenizer.normalizer();
        root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", n.cleanText())
                .put("handle_chinese_chars", n.handleChineseChars()).put("strip_accents", n.stripAccents())
                .put("lowercase", n.lowercase());
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        root.set("post_processor", postProcessor(token(tokenizer, tokenizer.clsId()), tokenizer.clsId(),
                token(tokenizer, tokenizer.sepId()), tokenizer.sepId()));
        WordPieceSettings s = tokenizer.settings();
        root.putObject("decoder").put("type", "WordPiece").put("prefix", s.continuingSubwordPrefix()).put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece").put("unk_token", token(tokenizer, s.unkId()))
                .put("continuing_subword_prefix", s.continuingSubwordPrefix())
                .put("max_input_chars_per_word", s.maxInputCharsPerWord());
        ObjectNode ids = model.putObject("vocab");
        for (int id = 0; id < vocab.size(); id++) {
            if (vocab.token(id) != null) {
                ids.put(vocab.token(id), id);
            }
        }
        try {
            AtomicFiles.write(file, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, root));
        } catch (IOException e) {
            throw new UncheckedIOException("writing tokenizer " + file, e);
        }
    }

    /** The text of an id: an added token's content, else the vocabulary's token (null if neither). */
    private static String token(BertTokenizer tokenizer, int id) {
        for (AddedToken t : tokenizer.addedTokens()) {
            if (tokenizer.tokenId(t.content()) == id) {
                return t.content();
            }
        }
        return id >= 0 && id < tokenizer.vocab().size() ? tokenizer.vocab().token(id) : null;
    }

    /** {@code [CLS] $A:0 [SEP]:0} and {@code [CLS] $A:0 [SEP]:0 $B:1 [SEP]:1}. */
    private static ObjectNode postProcessor(String cls, int clsId, String sep, int sepId) {
        ObjectNode pp = JSON.createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = pp.putArray("single");
        special(single, cls, 0);
        sequence(single, "A", 0);
        special(single, sep, 0);
        ArrayNode pair = pp.putArray("pair");
        special(pair, cls, 0);
        sequence(pair, "A", 0);
        special(pair, sep, 0);
        sequence(pair, "B", 1);
        special(pair, sep, 1);
        ObjectNode specials = pp.putObject("special_tokens");
        specials.putObject(cls).put("id", cls).<ObjectNode>set("ids", JSON.createArrayNode().add(clsId))
                .set("tokens", JSON.createArrayNode().add(cls));
        specials.putObject(sep).put("id", sep).<ObjectNode>set("ids", JSON.createArrayNode().add(sepId))
                .set("tokens", JSON.createArrayNode().add(sep));
        return pp;
    }

    private static void special(ArrayNode template, String token, int typeId) {
        template.addObject().putObject("SpecialToken").put("id", token).put("type_id", typeId);
    }

    private static void sequence(ArrayNode template, String id, int typeId) {
        template.addObject().putObject("Sequence").put("id", id).put("type_id", typeId);
    }
}
