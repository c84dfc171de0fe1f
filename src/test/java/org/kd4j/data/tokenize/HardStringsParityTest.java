package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random mixes of the hard cases (accents and combining marks, CJK, emoji, controls, U+FFFD, Unicode
 * spaces, special tokens inside text, words around the 100-character limit, empty and blank text) give the
 * same ids as Hugging Face tokenizers, single and paired, at several maximum lengths.
 */
class HardStringsParityTest {

    private static final String[] PIECES = {
        "hello", "World", "UNAFFABLE", "unaffable", "running", "the", "don't", "12,345.67", "e-mail", "C++",
        "naïve", "Café", "cafe\u0301", "résumé", "Ångström", "ﬁne", "Straße", "STRASSE", "ẞ", "İstanbul", "ıi",
        "ΣΊΣΥΦΟΣ", "Σ", "ς", "Привет", "мир", "العربية", "हिन्दी", "ไทย", "한국어", "日本語", "ひらがな", "カタカナ",
        "中文字符", "㐀", "\uD840\uDC00", "\uD86E\uDC20", "豈", "\uD87E\uDC00", "①", "½", "™", "€", "£", "¥", "°",
        "\u0301", "\u0308\u0323", "\u20DD", "\u0903", "\u200D", "\u200B", "\uFEFF", "\u00AD", "\uFFFD", "\u0000",
        "\u0007", "\u001B", "\u007F", "\u0085", "\u009C", "\u000B", "\u000C", "\t", "\n", "\r\n", "\u00A0",
        "\u1680", "\u2002", "\u2009", "\u200A", "\u2028", "\u2029", "\u202F", "\u205F", "\u3000", "\u180E",
        "😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "🤖", "\uD83E\uDD70", "\uE000", "\uDB80\uDC00", "\u2E43", "\u2E4F",
        "[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[cls]", "[SEP", "SEP]", "[[MASK]]", "[MASK][MASK]",
        "##ing", "#", "...", "!?", "«", "»", "“", "”", "‘", "’", "—", "–", "…", "・", "、", "。", "¿", "¡",
        "@user", "http://example.com/a?b=c", "<br />", "a_b", "x^2", "~", "`", "|", "\\",
    };

    private static final long SEED = 20240611L;

    @ParameterizedTest
    @ValueSource(strings = {"bert-base-uncased", "bert-base-cased"})
    void randomMixes(String vocab) {
        BertTokenizer tokenizer = BertTokenizer.load(vocab);
        Random random = new Random(SEED);
        int[] singleLengths = {2, 3, 8, 128};
        int[] pairLengths = {3, 4, 9, 16, 128};
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            String a = randomText(random);
            String b = randomText(random);
            int single = singleLengths[i % singleLengths.length];
            int pair = pairLengths[i % pairLengths.length];
            check(tokenizer, Sst2ParityTest.oracle(vocab, single), a, null, single, mismatches);
            check(tokenizer, Sst2ParityTest.oracle(vocab, pair), a, b, pair, mismatches);
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(5, mismatches.size())),
                mismatches.size() + " mismatches");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert-base-uncased", "bert-base-cased"})
    void edgeTexts(String vocab) {
        BertTokenizer tokenizer = BertTokenizer.load(vocab);
        HfOracle oracle = Sst2ParityTest.oracle(vocab, 512);
        String[] texts = {
            "", " ", "   ", "\t\n\r", "\u0000\u0001", "\uFFFD", "\u00A0\u3000", "[CLS]", "[SEP][SEP]", "a[CLS]b",
            "hello [SEP] world", "[MASK]", "[mask]", "x".repeat(100), "x".repeat(101), "é".repeat(100),
            "é".repeat(101), "e\u0301".repeat(100), "İ".repeat(100), "İ".repeat(51), "ab".repeat(60),
            "ß".repeat(101), "中".repeat(300), "😀".repeat(60), "a" + "\u0301".repeat(150), "[CLS]".repeat(30),
            "unaffable ".repeat(50), "\uD800", "a\uDC00b", "x\uD800 y",
        };
        List<String> mismatches = new ArrayList<>();
        for (String text : texts) {
            check(tokenizer, oracle, text, null, 512, mismatches);
            check(tokenizer, oracle, text, text, 512, mismatches);
            check(tokenizer, oracle, "pair", text, 512, mismatches);
        }
        assertEquals(List.of(), mismatches);
    }

    @Test
    void oracleStaysOffline() {
        HfOracle.uncased(128).encode("hello world", null);
        assertEquals(List.of(), HfOracle.networkAttempts());
    }

    private static void check(BertTokenizer tokenizer, HfOracle oracle, String a, String b, int maxLength,
            List<String> mismatches) {
        Encoding expected = oracle.encode(a, b);
        Encoding actual = tokenizer.encode(a, b, maxLength);
        if (!expected.equals(actual)) {
            mismatches.add(escape(a) + (b == null ? "" : " ||| " + escape(b)) + " @" + maxLength + "\n  hf:   "
                    + expected + "\n  kd4j: " + actual);
        }
    }

    private static String randomText(Random random) {
        int pieces = random.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            switch (random.nextInt(10)) {
                case 0 -> sb.append(' ');
                case 1 -> sb.append("x".repeat(95 + random.nextInt(10)));
                case 2 -> sb.appendCodePoint(randomCodePoint(random));
                default -> sb.append(PIECES[random.nextInt(PIECES.length)]);
            }
            if (random.nextInt(3) > 0) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    /** Any scalar value but a surrogate, biased towards the BMP. */
    private static int randomCodePoint(Random random) {
        while (true) {
            int cp = random.nextBoolean() ? random.nextInt(0x3000) : random.nextInt(Character.MAX_CODE_POINT + 1);
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                return cp;
            }
        }
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) {
                sb.appendCodePoint(cp);
            } else {
                sb.append(String.format("\\u{%X}", cp));
            }
        });
        return sb.toString();
    }
}
