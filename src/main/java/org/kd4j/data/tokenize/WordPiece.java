package org.kd4j.data.tokenize;

import java.util.Arrays;

/**
 * Greedy longest-match-first WordPiece over a character trie, as the {@code WordPiece} model of Hugging
 * Face {@code tokenizers}: the first piece of a word is looked up as is, later pieces with the
 * continuation prefix ({@code "##"}); a word with more than {@code maxInputCharsPerWord} code points, or
 * with a position where no piece matches, becomes the single unknown-token id.
 *
 * <p>The trie stores every vocabulary token; its edges live in one open-addressing hash table keyed by
 * (node, char), so a lookup allocates nothing. Continuation pieces start at the node reached by the
 * prefix. Immutable once built.
 */
final class WordPiece {

    private static final long EMPTY = -1L;

    private final int unkId;
    private final int maxInputCharsPerWord;
    private final long[] edgeKeys;
    private final int[] edgeChildren;
    private final int mask;
    private final int shift;
    /** Token id ending at each node, or -1. Node 0 is the root. */
    private final int[] terminal;
    /** Node of the continuation prefix, or -1 when no token starts with it. */
    private final int continuationRoot;

    WordPiece(Vocab vocab, int unkId, String continuingSubwordPrefix, int maxInputCharsPerWord) {
        this.unkId = unkId;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        long chars = 0;
        for (int id = 0; id < vocab.size(); id++) {
            String token = vocab.token(id);
            chars += token == null ? 0 : token.length();
        }
        int capacity = Integer.highestOneBit((int) Math.max(16, chars * 2)) * 2;
        edgeKeys = new long[capacity];
        Arrays.fill(edgeKeys, EMPTY);
        edgeChildren = new int[capacity];
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
        int[] term = new int[(int) chars + 1];
        Arrays.fill(term, -1);
        int nodes = 1;
        for (int id = 0; id < vocab.size(); id++) {
            String token = vocab.token(id);
            if (token == null) {
                continue;
            }
            int node = 0;
            for (int i = 0; i < token.length(); i++) {
                int next = child(node, token.charAt(i));
                if (next < 0) {
                    next = nodes++;
                    insert(node, token.charAt(i), next);
                }
                node = next;
            }
            term[node] = id;
        }
        terminal = Arrays.copyOf(term, nodes);
        int node = 0;
        for (int i = 0; i < continuingSubwordPrefix.length() && node >= 0; i++) {
            node = child(node, continuingSubwordPrefix.charAt(i));
        }
        continuationRoot = node;
    }

    int unkId() {
        return unkId;
    }

    int maxInputCharsPerWord() {
        return maxInputCharsPerWord;
    }

    /**
     * Appends the WordPiece ids of one pre-tokenised word {@code word[0, length)} to {@code out}.
     *
     * @param codePoints the number of code points of the word (= length when it has no surrogate pairs)
     */
    void encode(char[] word, int length, int codePoints, IntList out) {
        if (codePoints > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size();
        int pos = 0;
        while (pos < length) {
            int node = pos == 0 ? 0 : continuationRoot;
            int best = -1;
            int bestEnd = pos;
            for (int i = pos; i < length && node >= 0; i++) {
                node = child(node, word[i]);
                if (node >= 0 && terminal[node] >= 0) {
                    best = terminal[node];
                    bestEnd = i + 1;
                }
            }
            if (best < 0) {
                out.truncate(mark);
                out.add(unkId);
                return;
            }
            out.add(best);
            pos = bestEnd;
        }
    }

    private int child(int node, char c) {
        long key = ((long) node << 16) | c;
        int i = slot(key);
        while (true) {
            long k = edgeKeys[i];
            if (k == key) {
                return edgeChildren[i];
            }
            if (k == EMPTY) {
                return -1;
            }
            i = (i + 1) & mask;
        }
    }

    private void insert(int node, char c, int child) {
        long key = ((long) node << 16) | c;
        int i = slot(key);
        while (edgeKeys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        edgeKeys[i] = key;
        edgeChildren[i] = child;
    }

    /** Fibonacci hashing: the top bits of the product. */
    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }
}
