package org.kd4j.data.augment;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.kd4j.data.augment.PosLexicon.TaggedText;

/**
 * Tang et al.'s rules applied to one text (2019, section 3.2). For each word {@code w_i}, draw {@code X_i} uniform in
 * [0, 1):
 * <ul>
 *   <li>if {@code X_i < p_mask}, write the mask token instead of {@code w_i} (masking);</li>
 *   <li>else if {@code X_i < p_mask + p_pos}, write a word drawn from the training words with {@code w_i}'s tag, from
 *       {@code P(w | tag)} ({@link PosLexicon}; POS-guided replacement). This may draw {@code w_i} itself;</li>
 *   <li>else keep {@code w_i}.</li>
 * </ul>
 * Then, with probability {@code p_ng}, draw n uniform in {@code 1..max_ngram} and keep only a random run of n
 * consecutive words (n-gram sampling). A text of at most n words is kept whole. The draws come from the caller's
 * random source in a fixed order, so a seeded source gives the same sample every time.
 */
public final class Augmenter {

    private final PosLexicon lexicon;
    private final AugmentSettings settings;

    public Augmenter(PosLexicon lexicon, AugmentSettings settings) {
        this.lexicon = lexicon;
        this.settings = settings;
    }

    /** One augmented sample of {@code text}, as words. */
    public String[] sample(TaggedText text, SplittableRandom random) {
        int n = text.length();
        String[] out = new String[n];
        double pMask = settings.pMask();
        double pChange = pMask + settings.pPos();
        for (int i = 0; i < n; i++) {
            double x = random.nextDouble();
            if (x < pMask) {
                out[i] = settings.maskToken();
            } else if (x < pChange) {
                out[i] = lexicon.word(lexicon.sample(text.tags()[i], random));
            } else {
                out[i] = lexicon.word(text.words()[i]);
            }
        }
        if (random.nextDouble() < settings.pNgram()) {
            int gram = 1 + random.nextInt(settings.maxNgram());
            if (gram < n) {
                int start = random.nextInt(n - gram + 1);
                out = Arrays.copyOfRange(out, start, start + gram);
            }
        }
        return out;
    }

    /** The words of {@code text} as they were. */
    public String[] original(TaggedText text) {
        String[] out = new String[text.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = lexicon.word(text.words()[i]);
        }
        return out;
    }
}
