package org.kd4j.quality;

import org.kd4j.ConfigException;
import org.kd4j.data.augment.AugmentSettings;

/**
 * A method's {@code augment} section: the benchmark makes an augmented transfer set ({@link AugmentedTransferSet}) from
 * exactly the training rows of the method's cells (the {@code data.train_limit} subset, when there is one; with
 * {@code rows: training_and_unlabeled}, their {@code data.unlabeled_train} rows too) with Tang et al.'s rules
 * ({@link org.kd4j.data.augment.Augmentation}), and gives it to those cells as {@code data.transfer_file}. Each key but
 * {@code rows} is the {@code augment} command's option of the same name; an absent key takes that command's default.
 *
 * @param factor samples drawn per training example ({@code --factor})
 * @param pMask probability of masking a word ({@code --p-mask})
 * @param pPos probability of replacing a word by one of the same part of speech ({@code --p-pos})
 * @param pNgram probability of keeping only a random n-gram ({@code --p-ngram})
 * @param maxNgram largest n of that n-gram ({@code --max-ngram})
 * @param seed seed of every draw ({@code --seed}); the same seed and rows give a byte-identical file
 * @param maskToken what a masked word is written as ({@code --mask-token})
 * @param rows the rows augmented ({@link AugmentRows}; default {@code training}, the cells' labeled training rows)
 */
public record AugmentPlan(Integer factor, Double pMask, Double pPos, Double pNgram, Integer maxNgram, Long seed,
                          String maskToken, AugmentRows rows) {

    public AugmentPlan {
        AugmentSettings d = AugmentSettings.defaults();
        factor = factor == null ? d.factor() : factor;
        pMask = pMask == null ? d.pMask() : pMask;
        pPos = pPos == null ? d.pPos() : pPos;
        pNgram = pNgram == null ? d.pNgram() : pNgram;
        maxNgram = maxNgram == null ? d.maxNgram() : maxNgram;
        seed = seed == null ? d.seed() : seed;
        maskToken = maskToken == null ? d.maskToken() : maskToken;
        rows = rows == null ? AugmentRows.TRAINING : rows;
        ConfigException.requireRange("factor", factor, 1, 10_000);
        ConfigException.requireRange("p_mask", pMask, 0.0, 1.0);
        ConfigException.requireRange("p_pos", pPos, 0.0, 1.0);
        ConfigException.requireRange("p_ngram", pNgram, 0.0, 1.0);
        if (pMask + pPos > 1) {
            throw ConfigException.invalid("p_pos", pPos, "p_mask + p_pos at most 1 (a word is masked or replaced, not"
                    + " both); p_mask is " + pMask);
        }
        ConfigException.requireRange("max_ngram", maxNgram, 1, 1_000);
        if (maskToken.isEmpty() || maskToken.chars().anyMatch(Character::isWhitespace)) {
            throw ConfigException.invalid("mask_token", maskToken, "one word without whitespace, e.g. [MASK]");
        }
    }

    /** The augmentation's settings. */
    public AugmentSettings settings() {
        return new AugmentSettings(factor, pMask, pPos, pNgram, maxNgram, seed, maskToken);
    }
}
