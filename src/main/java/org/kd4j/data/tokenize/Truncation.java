package org.kd4j.data.tokenize;

/**
 * {@code TruncationStrategy::LongestFirst} of Hugging Face {@code tokenizers} (direction right, stride 0),
 * applied to the token lists before the special tokens are added. For a pair it is the closed form of
 * {@code utils/truncation.rs}, not the one-token-at-a-time loop of the slow Python tokenizers (the two
 * differ, e.g. lengths 5 and 5 with budget 7 give 3 and 4 here, 4 and 3 there):
 *
 * <pre>
 * n1 = shorter length, n2 = longer length (A is "shorter" on a tie)
 * n2 = n1 &gt; budget ? n1 : max(n1, budget - n1)
 * if n1 + n2 &gt; budget: n1 = budget / 2, n2 = n1 + budget % 2
 * keep n1 tokens of the shorter sequence and n2 of the longer
 * </pre>
 *
 * Nothing is removed while the total fits the budget.
 */
final class Truncation {

    private Truncation() {}

    /** How many tokens of a single sequence to keep. */
    static int single(int length, int budget) {
        return Math.min(length, budget);
    }

    /** How many tokens of A and of B to keep: {@code {keptA, keptB}}. */
    static int[] longestFirst(int lengthA, int lengthB, int budget) {
        if (lengthA + lengthB <= budget) {
            return new int[] {lengthA, lengthB};
        }
        boolean swap = lengthA > lengthB;
        int n1 = swap ? lengthB : lengthA;
        int n2 = n1 > budget ? n1 : Math.max(n1, budget - n1);
        if (n1 + n2 > budget) {
            n1 = budget / 2;
            n2 = n1 + budget % 2;
        }
        int keptA = swap ? n2 : n1;
        int keptB = swap ? n1 : n2;
        return new int[] {Math.min(lengthA, keptA), Math.min(lengthB, keptB)};
    }
}
