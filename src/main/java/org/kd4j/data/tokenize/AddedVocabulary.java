package org.kd4j.data.tokenize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The added tokens with their ids, resolved like {@code AddedVocabulary::add_tokens} of Hugging Face
 * {@code tokenizers}: a token already in the WordPiece vocabulary keeps its vocabulary id, any other gets
 * the next id after the vocabulary (the id written in tokenizer.json is not used). Tokens are split in two
 * matchers: those matched in the raw text ({@code normalized=false}, BERT's specials) and those matched
 * in the normalised text. Immutable.
 */
final class AddedVocabulary {

    /** Content to id, in the order the tokens were given. */
    private final Map<String, Integer> ids = new LinkedHashMap<>();
    /** Content to the last options given for it. */
    private final Map<String, AddedToken> tokens = new LinkedHashMap<>();
    private final AddedTokenMatcher raw;
    private final AddedTokenMatcher normalized;
    private final int size;
    private final Vocab vocab;

    AddedVocabulary(List<AddedToken> added, Vocab vocab, BertNormalizer normalizer) {
        this.vocab = vocab;
        int maxId = -1;
        for (AddedToken token : added) {
            if (token.content().isEmpty()) {
                continue;
            }
            Integer id = ids.get(token.content());
            if (id == null) {
                id = vocab.id(token.content());
            }
            if (id < 0) {
                id = maxId >= vocab.size() ? maxId + 1 : vocab.size();
            }
            ids.put(token.content(), id);
            tokens.put(token.content(), token);
            maxId = Math.max(maxId, id);
        }
        List<AddedTokenMatcher.Pattern> rawPatterns = new ArrayList<>();
        List<AddedTokenMatcher.Pattern> normalizedPatterns = new ArrayList<>();
        for (AddedToken token : tokens.values()) {
            int id = ids.get(token.content());
            if (token.normalized()) {
                String text = normalizer.normalize(token.content(), 0, token.content().length());
                normalizedPatterns.add(new AddedTokenMatcher.Pattern(text, id, token));
            } else {
                rawPatterns.add(new AddedTokenMatcher.Pattern(token.content(), id, token));
            }
        }
        raw = AddedTokenMatcher.of(rawPatterns);
        normalized = AddedTokenMatcher.of(normalizedPatterns);
        size = Math.max(vocab.size(), maxId + 1);
    }

    /** The id of a token: added tokens first, then the WordPiece vocabulary; -1 if in neither. */
    int id(String content) {
        Integer id = ids.get(content);
        return id == null ? vocab.id(content) : id;
    }

    /** Vocabulary size including the added tokens. */
    int totalSize() {
        return size;
    }

    AddedTokenMatcher raw() {
        return raw;
    }

    AddedTokenMatcher normalized() {
        return normalized;
    }

    /** The tokens with their options and ids, in order (for the fingerprint). */
    List<String> describeAll() {
        List<String> out = new ArrayList<>();
        tokens.forEach((content, t) -> out.add(ids.get(content) + "\t" + content + "\t" + t.singleWord() + "\t"
                + t.lstrip() + "\t" + t.rstrip() + "\t" + t.normalized() + "\t" + t.special()));
        return out;
    }
}
