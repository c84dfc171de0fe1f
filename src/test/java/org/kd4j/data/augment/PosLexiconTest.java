package org.kd4j.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kd4j.data.augment.PosLexicon.TaggedText;

class PosLexiconTest {

    @Test
    void idsFollowFirstAppearanceAndTagsComeFromTheTagger() {
        PosLexicon.Builder builder = new PosLexicon.Builder(HandTagger.FILM);
        TaggedText first = builder.add(new String[] {"the", "film", "is", "good"});
        TaggedText second = builder.add(new String[] {"the", "plot", "is", "bad"});
        PosLexicon lexicon = builder.build();
        assertArrayEquals(new int[] {0, 1, 2, 3}, first.words());
        assertArrayEquals(new int[] {0, 4, 2, 5}, second.words());
        assertEquals(List.of("DET", "NOUN", "VERB", "ADJ"), lexicon.tags());
        assertArrayEquals(new byte[] {0, 1, 2, 3}, second.tags());
        assertEquals("plot", lexicon.word(4));
        assertEquals(6, lexicon.vocabularySize());
        assertEquals(2, lexicon.wordsWithTag(1));
    }

    @Test
    void drawsFollowTheUnigramCountsWithinATag() {
        // NOUN: film x3, movie x1, plot x0 (plot is never seen); ADJ: good x1
        PosLexicon.Builder builder = new PosLexicon.Builder(HandTagger.FILM);
        builder.add(new String[] {"film", "film", "good"});
        builder.add(new String[] {"movie", "film"});
        PosLexicon lexicon = builder.build();
        int noun = lexicon.tags().indexOf("NOUN");
        SplittableRandom random = new SplittableRandom(7);
        int draws = 100_000;
        int films = 0;
        for (int i = 0; i < draws; i++) {
            String w = lexicon.word(lexicon.sample(noun, random));
            if (w.equals("film")) {
                films++;
            } else {
                assertEquals("movie", w);
            }
        }
        // expected 0.75; the standard error at 100k draws is 0.0014
        assertEquals(0.75, films / (double) draws, 0.01);
        int adj = lexicon.tags().indexOf("ADJ");
        assertEquals("good", lexicon.word(lexicon.sample(adj, random)));
    }

    @Test
    void aTaggerThatLosesWordsIsCaught() {
        WordTagger broken = new WordTagger() {
            @Override
            public String[] tag(String[] words) {
                return new String[] {"X"};
            }

            @Override
            public String describe() {
                return "broken";
            }
        };
        assertThrows(IllegalStateException.class, () -> new PosLexicon.Builder(broken).add(new String[] {"a", "b"}));
    }
}
