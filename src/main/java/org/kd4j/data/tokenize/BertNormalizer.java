package org.kd4j.data.tokenize;

import java.text.Normalizer;

/**
 * The {@code BertNormalizer} of Hugging Face {@code tokenizers}, applied in its order: clean text, space
 * out CJK ideographs, strip accents, lowercase.
 *
 * <ul>
 *   <li>{@code cleanText}: drops U+0000, U+FFFD and control/format/private-use characters (tab, newline
 *       and carriage return excepted), then maps every whitespace character to {@code ' '}. Since the
 *       drop comes first, U+000B, U+000C and U+0085 (controls that are also whitespace) are dropped.
 *   <li>{@code handleChineseChars}: surrounds each CJK ideograph with spaces.
 *   <li>{@code stripAccents}: NFD, then drops non-spacing marks (Mn).
 *   <li>{@code lowercase}: Rust's {@code char::to_lowercase}, one code point at a time (no final-sigma
 *       rule; U+0130 becomes {@code "i\u0307"}).
 * </ul>
 *
 * <p>Unpaired surrogates (not valid text) are read as U+FFFD, as the Rust side receives them.
 *
 * @param cleanText drop control characters and unify whitespace
 * @param handleChineseChars put spaces around CJK ideographs
 * @param stripAccents NFD and drop non-spacing marks
 * @param lowercase lowercase every code point
 */
record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    /** The normaliser of BERT checkpoints: {@code strip_accents} null means "same as lowercase". */
    static BertNormalizer of(boolean lowercase, Boolean stripAccents, boolean handleChineseChars) {
        return new BertNormalizer(true, handleChineseChars, stripAccents == null ? lowercase : stripAccents, lowercase);
    }

    /** Normalises {@code text[from, to)}. */
    String normalize(String text, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from + 8);
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                cp = 0xFFFD;
            }
            int flags = CharClass.of(cp);
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || (flags & CharClass.CONTROL) != 0) {
                    continue;
                }
                if ((flags & CharClass.WHITESPACE) != 0) {
                    cp = ' ';
                }
            }
            if (handleChineseChars && (flags & CharClass.CJK) != 0) {
                sb.append(' ').appendCodePoint(cp).append(' ');
            } else {
                sb.appendCodePoint(cp);
            }
        }
        String s = sb.toString();
        if (stripAccents) {
            s = stripAccents(s);
        }
        if (lowercase) {
            s = lowercase(s);
        }
        return s;
    }

    private static String stripAccents(String s) {
        String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(nfd.length());
        for (int i = 0; i < nfd.length(); ) {
            int cp = nfd.codePointAt(i);
            i += Character.charCount(cp);
            if (!CharClass.is(cp, CharClass.NONSPACING_MARK)) {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    private static String lowercase(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0x130) {
                // The only unconditional multi-character lowercase mapping (SpecialCasing.txt).
                sb.append('i').append('\u0307');
            } else {
                sb.appendCodePoint(Character.toLowerCase(cp));
            }
        }
        return sb.toString();
    }

    /** Words for {@link BertTokenizer#describe()}, e.g. {@code "lowercase, strip accents"}. */
    String describe() {
        StringBuilder sb = new StringBuilder(lowercase ? "lowercase" : "cased");
        if (stripAccents) {
            sb.append(", strip accents");
        }
        if (!handleChineseChars) {
            sb.append(", no CJK splitting");
        }
        if (!cleanText) {
            sb.append(", no text cleaning");
        }
        return sb.toString();
    }
}
