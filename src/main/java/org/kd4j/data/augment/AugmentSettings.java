package org.kd4j.data.augment;

import java.util.LinkedHashMap;
import java.util.Map;
import org.kd4j.KdException;

/**
 * The settings of Tang et al.'s augmentation ("Distilling task-specific knowledge from BERT into simple neural
 * networks", 2019, section 3.2). Each key names the {@code augment} command's option.
 *
 * @param factor samples drawn per training example ({@code --factor}; Tang et al.'s n_iter; they used 20 for SST-2).
 *     The default {@value #DEFAULT_FACTOR} gives about 1M lines from SST-2's 67,349 training rows. It draws
 *     1,683,725 samples, and about 40% are dropped as duplicates: many SST-2 rows are phrases of a few words, whose
 *     samples often equal the original or an earlier line. A factor of 15 writes only 631,946 lines (measured, see
 *     docs/augment.md).
 * @param pMask probability that a word becomes {@code maskToken} ({@code --p-mask}; theirs 0.1)
 * @param pPos probability that a word is replaced by a word of the same part of speech ({@code --p-pos}; theirs 0.1).
 *     A word is masked or replaced, never both, so {@code pMask + pPos} must be at most 1.
 * @param pNgram probability that the sample is then cut to a random n-gram ({@code --p-ngram}; theirs 0.25)
 * @param maxNgram largest n for that n-gram, n being uniform in {@code 1..maxNgram} ({@code --max-ngram}; theirs 5)
 * @param seed seed of every random draw ({@code --seed}); the same seed and input give a byte-identical file
 * @param maskToken what a masked word is written as ({@code --mask-token}). The default {@value #DEFAULT_MASK} is a
 *     special token in every BERT WordPiece vocabulary kd4j uses. Those are bert-base-uncased/-cased and the
 *     tokenizer.json files of bge-small-en-v1.5 and all-MiniLM-L6-v2. Each of them maps {@code [MASK]} in raw text
 *     to its one id (103 in the uncased vocabularies), never to the pieces {@code [ mask ]}. The teachers read it
 *     as pretraining's mask token. A student learns its embedding like any other rare word, which is how Tang et
 *     al.'s student sees its unknown-word token.
 */
public record AugmentSettings(int factor, double pMask, double pPos, double pNgram, int maxNgram, long seed,
                              String maskToken) {

    public static final int DEFAULT_FACTOR = 25;
    public static final double DEFAULT_P_MASK = 0.1;
    public static final double DEFAULT_P_POS = 0.1;
    public static final double DEFAULT_P_NGRAM = 0.25;
    public static final int DEFAULT_MAX_NGRAM = 5;
    public static final long DEFAULT_SEED = 42;
    public static final String DEFAULT_MASK = "[MASK]";

    public AugmentSettings {
        if (factor < 1) {
            throw new KdException("--factor: expected an integer >= 1 (samples per training example), found " + factor);
        }
        probability("--p-mask", pMask);
        probability("--p-pos", pPos);
        probability("--p-ngram", pNgram);
        if (pMask + pPos > 1) {
            throw new KdException("--p-mask + --p-pos: expected at most 1 (a word is masked or replaced, not both), found "
                    + pMask + " + " + pPos + " = " + (pMask + pPos));
        }
        if (maxNgram < 1) {
            throw new KdException("--max-ngram: expected an integer >= 1, found " + maxNgram);
        }
        if (maskToken == null || maskToken.isEmpty() || maskToken.chars().anyMatch(Character::isWhitespace)) {
            throw new KdException("--mask-token: expected one word without whitespace, found '" + maskToken + "'");
        }
    }

    private static void probability(String option, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new KdException(option + ": expected a probability in [0, 1], found " + p);
        }
    }

    /** Tang et al.'s probabilities with this project's default factor and seed. */
    public static AugmentSettings defaults() {
        return new AugmentSettings(DEFAULT_FACTOR, DEFAULT_P_MASK, DEFAULT_P_POS, DEFAULT_P_NGRAM, DEFAULT_MAX_NGRAM,
                DEFAULT_SEED, DEFAULT_MASK);
    }

    public AugmentSettings withFactor(int newFactor) {
        return new AugmentSettings(newFactor, pMask, pPos, pNgram, maxNgram, seed, maskToken);
    }

    public AugmentSettings withSeed(long newSeed) {
        return new AugmentSettings(factor, pMask, pPos, pNgram, maxNgram, newSeed, maskToken);
    }

    /** The settings under the option names, for provenance. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factor", factor);
        m.put("p_mask", pMask);
        m.put("p_pos", pPos);
        m.put("p_ngram", pNgram);
        m.put("max_ngram", maxNgram);
        m.put("seed", seed);
        m.put("mask_token", maskToken);
        return m;
    }
}
