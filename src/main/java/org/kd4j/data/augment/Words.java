package org.kd4j.data.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How augmentation splits a text into words and joins them back, and the normal form in which two texts count as the
 * same.
 *
 * <p>A text is split at whitespace, and then leading and trailing punctuation is split off each piece, one character
 * per word. So {@code "Reeve, the widow"} becomes {@code Reeve , the widow}, while {@code don't}, {@code 1,999} and
 * {@code U.S} keep their inner punctuation. An apostrophe followed by a letter stays with it, so SST-2's clitics
 * ({@code 's}, {@code 're}) remain single words. A single-quoted word therefore keeps its opening quote
 * ({@code 'quoted} {@code '}). GLUE's SST-2 is already split this way, so its words stay as they are.
 * Words are joined with single spaces. The BERT tokenizers of kd4j's teachers and students split punctuation from
 * words anyway, so the extra spaces do not change their token ids.
 *
 * <p>The normal form is the words in lower case joined by single spaces ({@link Locale#ROOT}). Texts that differ only
 * in case or spacing therefore count as duplicates.
 */
public final class Words {

    private Words() {}

    /** The words of {@code text}; empty for a blank text. */
    public static String[] split(String text) {
        List<String> words = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (start < i) {
                addPiece(text, start, i, words);
            }
        }
        return words.toArray(String[]::new);
    }

    private static void addPiece(String text, int start, int end, List<String> words) {
        int from = start;
        while (from < end && isPunctuation(text.codePointAt(from)) && !isClitic(text, from, end)) {
            int next = text.offsetByCodePoints(from, 1);
            words.add(text.substring(from, next));
            from = next;
        }
        int to = end;
        List<String> trailing = new ArrayList<>();
        while (to > from && isPunctuation(text.codePointBefore(to))) {
            int previous = text.offsetByCodePoints(to, -1);
            trailing.add(text.substring(previous, to));
            to = previous;
        }
        if (from < to) {
            words.add(text.substring(from, to));
        }
        for (int k = trailing.size() - 1; k >= 0; k--) {
            words.add(trailing.get(k));
        }
    }

    /** An apostrophe followed by a letter opens a clitic ({@code 's}, {@code 're}, {@code 'll}): kept with it. */
    private static boolean isClitic(String text, int at, int end) {
        char c = text.charAt(at);
        return (c == '\'' || c == '\u2019') && at + 1 < end && Character.isLetter(text.charAt(at + 1));
    }

    /** Unicode punctuation (the P* categories) and the ASCII symbols BERT's pre-tokenizer also treats as punctuation. */
    static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The words joined by single spaces. */
    public static String join(String[] words) {
        return String.join(" ", words);
    }

    /** The normal form of a text: its words in lower case, joined by single spaces. */
    public static String normalise(String text) {
        return normaliseWords(split(text));
    }

    /** The normal form of text that is already split into words. */
    public static String normaliseWords(String[] words) {
        return join(words).toLowerCase(Locale.ROOT);
    }
}
