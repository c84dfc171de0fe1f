package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The normaliser's steps on hand-made strings. */
class BertNormalizerTest {

    private static final BertNormalizer UNCASED = BertNormalizer.of(true, null, true);
    private static final BertNormalizer CASED = BertNormalizer.of(false, null, true);

    @Test
    void cleanTextDropsControlsAndUnifiesWhitespace() {
        assertEquals("a b c d  e", norm(CASED, "a\tb\nc\rd\u3000\u2028e"));
        assertEquals("abcd", norm(CASED, "a\u0000b\uFFFDc\u200Bd"));
        assertEquals("ab", norm(CASED, "a\u000Bb"));
        assertEquals("ab", norm(CASED, "a\uE000b")); // private use
    }

    @Test
    void chineseCharsAreSpacedOut() {
        assertEquals("x 中  文 y", norm(CASED, "x中文y"));
        assertEquals("\uD86E\uDC20", norm(CASED, "\uD86E\uDC20")); // U+2B820: outside HF's ranges
    }

    @Test
    void stripAccentsThenLowercase() {
        assertEquals("cafe naive angstrom", norm(UNCASED, "Café NAÏVE Ångström"));
        assertEquals("i", norm(UNCASED, "İ"));
        assertEquals("σασ", norm(UNCASED, "ΣΑΣ"));
        BertNormalizer lowercaseOnly = BertNormalizer.of(true, false, true);
        assertEquals("i\u0307", norm(lowercaseOnly, "İ"));
        assertEquals("café", norm(lowercaseOnly, "CAFÉ"));
    }

    @Test
    void unpairedSurrogatesAreReplacementCharacters() {
        assertEquals("ab", norm(CASED, "a\uD800b"));
        assertEquals("a\uFFFDb", norm(new BertNormalizer(false, true, false, false), "a\uDC00b"));
    }

    private static String norm(BertNormalizer normalizer, String text) {
        return normalizer.normalize(text, 0, text.length());
    }

    @Test
    void describes() {
        assertEquals("lowercase, strip accents", UNCASED.describe());
        assertEquals("cased", CASED.describe());
    }
}
