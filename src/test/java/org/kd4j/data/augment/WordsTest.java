package org.kd4j.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WordsTest {

    @Test
    void splitsAtWhitespaceAndPeelsOuterPunctuation() {
        assertArrayEquals(new String[] {"Dana", "Reeve", ",", "the", "widow", "(", "52", ")", "died", "."},
                Words.split("Dana Reeve, the widow (52) died."));
        assertArrayEquals(new String[] {"don't", "pay", "1,999", "in", "the", "U.S", "."},
                Words.split("  don't\tpay 1,999 in the U.S.  "));
        assertArrayEquals(new String[] {"\"", "ok", "!", "\""}, Words.split("\"ok!\""));
        assertArrayEquals(new String[] {".", ".", "."}, Words.split("..."));
        // an apostrophe before a letter stays (SST-2's clitics), so a single-quoted word keeps its opening quote
        assertArrayEquals(new String[] {"it", "'s", "'quoted", "'", "students", "'"},
                Words.split("it 's 'quoted' students'"));
        assertArrayEquals(new String[0], Words.split(" \t "));
    }

    @Test
    void sst2TextKeepsItsWords() {
        String text = "it 's a charming and often affecting journey . ";
        assertEquals("it 's a charming and often affecting journey .", Words.join(Words.split(text)));
    }

    @Test
    void normalFormIgnoresCaseAndSpacing() {
        assertEquals("the film , sadly , fails .", Words.normalise("The  film, sadly, fails."));
        assertEquals(Words.normalise("A Good  Film!"), Words.normalise("a good film !"));
        assertEquals("[mask] film", Words.normaliseWords(new String[] {"[MASK]", "film"}));
    }
}
