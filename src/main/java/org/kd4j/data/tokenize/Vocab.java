package org.kd4j.data.tokenize;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kd4j.KdException;

/** The WordPiece vocabulary: token strings by id and ids by token. Immutable. */
final class Vocab {

    private final String[] tokens;
    private final Map<String, Integer> ids;

    private Vocab(String[] tokens, Map<String, Integer> ids) {
        this.tokens = tokens;
        this.ids = ids;
    }

    /**
     * Reads a {@code vocab.txt}: one token per line, the id is the 0-based line number. A line ending of
     * {@code \n} or {@code \r\n} is removed, nothing else (tokens keep their other characters).
     *
     * @param source the file name used in error messages
     * @throws KdException if the file is empty, not UTF-8, or has an empty or duplicate token
     */
    static Vocab read(BufferedReader reader, String source) throws IOException {
        Map<String, Integer> ids = new HashMap<>(64 * 1024);
        List<String> tokens = new ArrayList<>(32 * 1024);
        String line;
        try {
            while ((line = reader.readLine()) != null) {
                int lineNo = tokens.size() + 1;
                if (line.isEmpty()) {
                    throw new KdException(source + ": line " + lineNo + ": empty token (expected one token per line)");
                }
                Integer first = ids.putIfAbsent(line, tokens.size());
                if (first != null) {
                    throw new KdException(source + ": line " + lineNo + ": duplicate token '" + line
                            + "' (first on line " + (first + 1) + "); expected each token once");
                }
                tokens.add(line);
            }
        } catch (CharacterCodingException e) {
            throw new KdException(source + ": line " + (tokens.size() + 1) + ": not valid UTF-8", e);
        }
        if (tokens.isEmpty()) {
            throw new KdException(source + ": empty vocabulary (expected one token per line, found no line)");
        }
        return new Vocab(tokens.toArray(new String[0]), ids);
    }

    /**
     * Builds the vocabulary of a tokenizer.json {@code model.vocab} object.
     *
     * @param source file and field for error messages, e.g. {@code "tokenizer.json: model.vocab"}
     * @throws KdException if it is empty, or an id is negative or used twice
     */
    static Vocab of(Map<String, Integer> vocab, String source) {
        if (vocab.isEmpty()) {
            throw new KdException(source + ": empty vocabulary (expected a map of token to id)");
        }
        int max = -1;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getValue() < 0 || e.getKey().isEmpty()) {
                throw new KdException(source + ": token '" + e.getKey() + "' has id " + e.getValue()
                        + " (expected a non-empty token with an id >= 0)");
            }
            max = Math.max(max, e.getValue());
        }
        String[] tokens = new String[max + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String other = tokens[e.getValue()];
            if (other != null) {
                throw new KdException(source + ": id " + e.getValue() + " is used by both '" + other + "' and '"
                        + e.getKey() + "' (expected one token per id)");
            }
            tokens[e.getValue()] = e.getKey();
        }
        return new Vocab(tokens, new HashMap<>(vocab));
    }

    /** One more than the highest id. */
    int size() {
        return tokens.length;
    }

    /** The id of a token, or -1. */
    int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    /** The token of an id, or null where the id is unused. */
    String token(int id) {
        return tokens[id];
    }
}
