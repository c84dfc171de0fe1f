package org.kd4j.data.tokenize;

/**
 * Character classes of the BERT normaliser and pre-tokeniser, exactly as Hugging Face {@code tokenizers}
 * computes them: control/format/private-use, whitespace, punctuation, non-spacing mark and CJK ideograph.
 * Categories come from {@link HfUnicodeTables} (Unicode 8.0, like the Rust crate), never from the JDK.
 */
final class CharClass {

    /** Dropped by {@code clean_text}: Cc, Cf or Co except tab, newline and carriage return. */
    static final int CONTROL = 1;
    /** Rust's {@code char::is_whitespace} (the Unicode White_Space property). */
    static final int WHITESPACE = 2;
    /** ASCII punctuation or Unicode category P*: always a word of its own. */
    static final int PUNCTUATION = 4;
    /** Unicode category Mn: removed by {@code strip_accents}. */
    static final int NONSPACING_MARK = 8;
    /** CJK ideograph: {@code handle_chinese_chars} puts spaces around it. */
    static final int CJK = 16;

    private static final int[] WHITE_SPACE = {
        0x0009, 0x000D, 0x0020, 0x0020, 0x0085, 0x0085, 0x00A0, 0x00A0, 0x1680, 0x1680,
        0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x202F, 0x205F, 0x205F, 0x3000, 0x3000,
    };

    /**
     * The ranges of {@code is_chinese_char} in tokenizers' {@code normalizers/bert.rs}. Note 0x2B920, not
     * 0x2B820 as in Google's original BERT: U+2B820..U+2B91F are not treated as CJK.
     */
    private static final int[] CJK_RANGES = {
        0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xF900, 0xFAFF, 0x20000, 0x2A6DF,
        0x2A700, 0x2B73F, 0x2B740, 0x2B81F, 0x2B920, 0x2CEAF, 0x2F800, 0x2FA1F,
    };

    private static final int[] PRIVATE_USE = {0xE000, 0xF8FF, 0xF0000, 0xFFFFD, 0x100000, 0x10FFFD};

    private static final String ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /** Flags of the Basic Multilingual Plane, one byte per char. */
    private static final byte[] BMP = new byte[0x10000];

    static {
        for (int cp = 0; cp < BMP.length; cp++) {
            BMP[cp] = (byte) compute(cp);
        }
    }

    private CharClass() {}

    /** The flags of a code point (a bit set of the constants above). */
    static int of(int cp) {
        return cp < 0x10000 ? BMP[cp] : compute(cp);
    }

    static boolean is(int cp, int flag) {
        return (of(cp) & flag) != 0;
    }

    private static int compute(int cp) {
        int flags = 0;
        boolean tabOrNewline = cp == '\t' || cp == '\n' || cp == '\r';
        if (!tabOrNewline && (inRanges(HfUnicodeTables.OTHER, cp) || inRanges(PRIVATE_USE, cp))) {
            flags |= CONTROL;
        }
        if (inRanges(WHITE_SPACE, cp)) {
            flags |= WHITESPACE;
        }
        if ((cp < 0x80 && ASCII_PUNCTUATION.indexOf(cp) >= 0) || inRanges(HfUnicodeTables.PUNCTUATION, cp)) {
            flags |= PUNCTUATION;
        }
        if (inRanges(HfUnicodeTables.NONSPACING_MARK, cp)) {
            flags |= NONSPACING_MARK;
        }
        if (inRanges(CJK_RANGES, cp)) {
            flags |= CJK;
        }
        return flags;
    }

    /** Binary search in sorted closed ranges {@code [first0, last0, first1, last1, ...]}. */
    static boolean inRanges(int[] ranges, int cp) {
        int lo = 0;
        int hi = ranges.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cp < ranges[2 * mid]) {
                hi = mid - 1;
            } else if (cp > ranges[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
