package org.kd4j.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kd4j.data.augment.PosLexicon.TaggedText;

class AugmenterTest {

    private static final String[] TEXT = {"the", "film", "is", "good", "and", "the", "plot", "is", "bad"};

    private static PosLexicon.Builder builder() {
        return new PosLexicon.Builder(HandTagger.FILM);
    }

    private static AugmentSettings settings(double pMask, double pPos, double pNgram, int maxNgram) {
        return new AugmentSettings(1, pMask, pPos, pNgram, maxNgram, 1, "[MASK]");
    }

    @Test
    void noChangeAtProbabilityZero() {
        PosLexicon.Builder b = builder();
        TaggedText text = b.add(TEXT);
        Augmenter augmenter = new Augmenter(b.build(), settings(0, 0, 0, 5));
        assertArrayEquals(TEXT, augmenter.sample(text, new SplittableRandom(3)));
        assertArrayEquals(TEXT, augmenter.original(text));
    }

    @Test
    void everyWordMaskedAtProbabilityOne() {
        PosLexicon.Builder b = builder();
        TaggedText text = b.add(TEXT);
        String[] out = new Augmenter(b.build(), settings(1, 0, 0, 5)).sample(text, new SplittableRandom(3));
        assertEquals(TEXT.length, out.length);
        assertTrue(List.of(out).stream().allMatch("[MASK]"::equals));
    }

    @Test
    void replacementKeepsThePartOfSpeech() {
        PosLexicon.Builder b = builder();
        TaggedText text = b.add(TEXT);
        b.add(new String[] {"a", "movie", "was", "great"});
        Augmenter augmenter = new Augmenter(b.build(), settings(0, 1, 0, 5));
        Set<String> det = Set.of("the", "a");
        Set<String> noun = Set.of("film", "plot", "movie");
        Set<String> verb = Set.of("is", "was");
        Set<String> adj = Set.of("good", "bad", "great");
        List<Set<String>> expected = List.of(det, noun, verb, adj, Set.of("and"), det, noun, verb, adj);
        SplittableRandom random = new SplittableRandom(5);
        boolean changed = false;
        for (int k = 0; k < 200; k++) {
            String[] out = augmenter.sample(text, random);
            for (int i = 0; i < out.length; i++) {
                assertTrue(expected.get(i).contains(out[i]), out[i] + " at " + i);
                changed |= !out[i].equals(TEXT[i]);
            }
        }
        assertTrue(changed);
    }

    @Test
    void ngramSamplingKeepsAContiguousRunOfOneToMaxWords() {
        PosLexicon.Builder b = builder();
        TaggedText text = b.add(TEXT);
        Augmenter augmenter = new Augmenter(b.build(), settings(0, 0, 1, 3));
        SplittableRandom random = new SplittableRandom(11);
        int[] lengths = new int[4];
        String joined = " " + String.join(" ", TEXT) + " ";
        for (int k = 0; k < 3000; k++) {
            String[] out = augmenter.sample(text, random);
            assertTrue(out.length >= 1 && out.length <= 3, "length " + out.length);
            assertTrue(joined.contains(" " + String.join(" ", out) + " "), String.join(" ", out));
            lengths[out.length]++;
        }
        for (int n = 1; n <= 3; n++) {
            assertEquals(1000, lengths[n], 100, "n = " + n); // uniform over 1..3
        }
        // a text no longer than n stays whole
        TaggedText shortText = b.add(new String[] {"good", "film"});
        Augmenter whole = new Augmenter(b.build(), settings(0, 0, 1, 2));
        int kept = 0;
        for (int k = 0; k < 100; k++) {
            kept += whole.sample(shortText, random).length == 2 ? 1 : 0;
        }
        assertEquals(50, kept, 20);
    }

    @Test
    void maskAndReplaceRatesMatchTheProbabilities() {
        PosLexicon.Builder b = builder();
        TaggedText text = b.add(TEXT);
        // a lexicon where replacement always changes the word: each tag's only other word dominates
        for (int i = 0; i < 1000; i++) {
            b.add(new String[] {"a", "movie", "was", "great", "or"});
        }
        Augmenter augmenter = new Augmenter(b.build(), settings(0.1, 0.2, 0, 5));
        SplittableRandom random = new SplittableRandom(13);
        int masked = 0;
        int words = 0;
        for (int k = 0; k < 5000; k++) {
            for (String w : augmenter.sample(text, random)) {
                masked += w.equals("[MASK]") ? 1 : 0;
                words++;
            }
        }
        assertEquals(0.1, masked / (double) words, 0.01);
    }
}
