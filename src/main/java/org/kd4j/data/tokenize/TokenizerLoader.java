package org.kd4j.data.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;

/**
 * Resolves a tokenizer spec (bundled name, vocab.txt, tokenizer.json or directory) and builds tokenizers
 * from vocab.txt files, the way {@code transformers} converts a slow BERT tokenizer into a fast one:
 * {@code BertNormalizer} with the settings of tokenizer_config.json, {@code [CLS] A [SEP] B [SEP]}, and
 * the special tokens {@code [PAD] [UNK] [CLS] [SEP] [MASK]} matched in the raw text.
 */
final class TokenizerLoader {

    /** Vocabularies shipped on the classpath under {@code org/kd4j/vocab/<name>/vocab.txt}. */
    static final List<String> BUNDLED = List.of("bert-base-uncased", "bert-base-cased");

    private static final Logger LOG = LogManager.getLogger(TokenizerLoader.class);
    private static final List<String> REQUIRED = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]");
    private static final String MASK = "[MASK]";

    private TokenizerLoader() {}

    static BertTokenizer load(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new KdException("tokenizer spec is empty: expected one of " + BUNDLED
                    + " or a path to vocab.txt, tokenizer.json or a directory");
        }
        if (BUNDLED.contains(spec)) {
            return bundled(spec);
        }
        Path path;
        try {
            path = Path.of(spec);
        } catch (InvalidPathException e) {
            throw new KdException("tokenizer '" + spec + "': not a valid path: " + e.getMessage(), e);
        }
        if (Files.isDirectory(path)) {
            Path json = path.resolve("tokenizer.json");
            if (Files.isRegularFile(json)) {
                return TokenizerJson.read(json);
            }
            Path vocab = path.resolve("vocab.txt");
            if (Files.isRegularFile(vocab)) {
                return fromVocab(vocab, configBeside(vocab));
            }
            throw new KdException("tokenizer directory " + path + ": holds neither tokenizer.json nor vocab.txt");
        }
        if (Files.isRegularFile(path)) {
            String file = path.getFileName().toString();
            return file.endsWith(".json") ? TokenizerJson.read(path) : fromVocab(path, configBeside(path));
        }
        throw new KdException("tokenizer '" + spec + "': not a bundled vocabulary " + BUNDLED
                + " and no such file or directory");
    }

    static BertTokenizer fromVocab(Path vocabTxt, BertNormalizer normalizer) {
        Vocab vocab;
        try (InputStream in = Files.newInputStream(vocabTxt)) {
            vocab = Vocab.read(utf8(in), vocabTxt.toString());
        } catch (NoSuchFileException e) {
            throw new KdException(vocabTxt + ": vocab file not found");
        } catch (IOException e) {
            throw new KdException(vocabTxt + ": cannot read: " + e.getMessage(), e);
        }
        BertTokenizer tokenizer = fromVocab(vocab, vocabTxt.toString(), vocabTxt.toString(), normalizer);
        LOG.debug("loaded {}", tokenizer.describe());
        return tokenizer;
    }

    private static BertTokenizer bundled(String name) {
        String resource = "/org/kd4j/vocab/" + name + "/vocab.txt";
        try (InputStream in = TokenizerLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled vocabulary missing from the classpath: " + resource);
            }
            boolean lowercase = name.endsWith("-uncased");
            return fromVocab(Vocab.read(utf8(in), resource), resource, name, BertNormalizer.of(lowercase, null, true));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled vocabulary " + resource, e);
        }
    }

    private static BertTokenizer fromVocab(Vocab vocab, String source, String name, BertNormalizer normalizer) {
        List<AddedToken> specials = new ArrayList<>();
        for (String token : REQUIRED) {
            if (vocab.id(token) < 0) {
                throw new KdException(source + ": required special token " + token
                        + " not found (expected a line holding exactly '" + token + "')");
            }
            specials.add(AddedToken.special(token));
        }
        if (vocab.id(MASK) >= 0) {
            specials.add(AddedToken.special(MASK));
        }
        WordPieceSettings settings = new WordPieceSettings(vocab.id("[UNK]"), WordPieceSettings.DEFAULT_PREFIX,
                WordPieceSettings.DEFAULT_MAX_INPUT_CHARS_PER_WORD);
        return new BertTokenizer(name, vocab, normalizer, settings, specials, vocab.id("[CLS]"), vocab.id("[SEP]"),
                vocab.id("[PAD]"));
    }

    /**
     * The normaliser set by the tokenizer_config.json beside a vocab.txt ({@code do_lower_case},
     * {@code strip_accents}, {@code tokenize_chinese_chars}); BERT uncased defaults without one.
     */
    static BertNormalizer configBeside(Path vocabTxt) {
        Path dir = vocabTxt.toAbsolutePath().getParent();
        Path config = dir == null ? null : dir.resolve("tokenizer_config.json");
        if (config == null || !Files.isRegularFile(config)) {
            return BertNormalizer.of(true, null, true);
        }
        JsonNode root = JsonFields.parse(config);
        JsonFields json = new JsonFields(config.toString());
        boolean lowercase = !root.has("do_lower_case") || json.bool(root, "do_lower_case", "do_lower_case");
        Boolean strip = json.optionalBool(root, "strip_accents", "strip_accents");
        boolean chinese = !root.has("tokenize_chinese_chars")
                || json.bool(root, "tokenize_chinese_chars", "tokenize_chinese_chars");
        LOG.debug("{}: do_lower_case={} strip_accents={} tokenize_chinese_chars={}", config, lowercase, strip, chinese);
        return BertNormalizer.of(lowercase, strip, chinese);
    }

    private static BufferedReader utf8(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
    }
}
