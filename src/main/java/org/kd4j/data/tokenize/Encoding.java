package org.kd4j.data.tokenize;

import java.util.Arrays;
import java.util.Objects;

/**
 * The model input of one example: token ids and segment (token type) ids, same length, no padding.
 * The arrays are owned by the record; callers must not modify them.
 *
 * @param inputIds {@code [CLS] A [SEP]} or {@code [CLS] A [SEP] B [SEP]} as vocabulary ids
 * @param tokenTypeIds 0 for {@code [CLS]}, A and its {@code [SEP]}; 1 for B and the final {@code [SEP]}
 */
public record Encoding(int[] inputIds, int[] tokenTypeIds) {

    public Encoding {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(tokenTypeIds, "tokenTypeIds");
        if (inputIds.length != tokenTypeIds.length) {
            throw new IllegalArgumentException("inputIds has " + inputIds.length + " entries, tokenTypeIds "
                    + tokenTypeIds.length + " (expected the same length)");
        }
    }

    /** The number of tokens, special tokens included. */
    public int length() {
        return inputIds.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e
                && Arrays.equals(inputIds, e.inputIds)
                && Arrays.equals(tokenTypeIds, e.tokenTypeIds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(tokenTypeIds);
    }

    @Override
    public String toString() {
        return "Encoding[inputIds=" + Arrays.toString(inputIds) + ", tokenTypeIds=" + Arrays.toString(tokenTypeIds)
                + "]";
    }
}
