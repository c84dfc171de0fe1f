package org.kd4j.data.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added tokens in a text as {@code AddedVocabulary::find_matches} of Hugging Face {@code tokenizers}
 * does: non-overlapping leftmost-longest matches, then the {@code single_word} option of the matched
 * token. {@code lstrip} and {@code rstrip} are not applied: the whitespace they would swallow is dropped
 * by the BERT pre-tokeniser anyway, so they change offsets, never ids. Immutable.
 */
final class AddedTokenMatcher {

    /** One pattern: the text to find, its token id and options. */
    record Pattern(String text, int id, AddedToken token) {}

    private static final AddedTokenMatcher EMPTY = new AddedTokenMatcher(List.of());

    /** Patterns by first char, longest first. */
    private final Map<Character, Pattern[]> byFirstChar = new HashMap<>();
    /** Bit set over chars: can a pattern start with this char. */
    private final long[] firstChars = new long[1024];
    private final boolean empty;

    private AddedTokenMatcher(List<Pattern> patterns) {
        Map<Character, List<Pattern>> lists = new HashMap<>();
        for (Pattern p : patterns) {
            char c = p.text().charAt(0);
            lists.computeIfAbsent(c, k -> new ArrayList<>()).add(p);
            firstChars[c >>> 6] |= 1L << c;
        }
        lists.forEach((c, list) -> {
            Pattern[] array = list.toArray(new Pattern[0]);
            Arrays.sort(array, Comparator.comparingInt((Pattern p) -> p.text().length()).reversed());
            byFirstChar.put(c, array);
        });
        empty = patterns.isEmpty();
    }

    static AddedTokenMatcher of(List<Pattern> patterns) {
        List<Pattern> nonEmpty = patterns.stream().filter(p -> !p.text().isEmpty()).toList();
        return nonEmpty.isEmpty() ? EMPTY : new AddedTokenMatcher(nonEmpty);
    }

    boolean isEmpty() {
        return empty;
    }

    /**
     * Appends one {@code (start, end, id)} triple per accepted match in {@code text[from, to)} to
     * {@code out}, in order; the single-word test looks at {@code text[from, to)} only.
     */
    void findMatches(String text, int from, int to, IntList out) {
        int pos = from;
        while (pos < to) {
            int start = -1;
            Pattern match = null;
            for (int i = pos; i < to && match == null; i++) {
                char c = text.charAt(i);
                if ((firstChars[c >>> 6] & (1L << c)) != 0) {
                    match = longestAt(text, i, to, byFirstChar.get(c));
                    start = i;
                }
            }
            if (match == null) {
                return;
            }
            int end = start + match.text().length();
            pos = end;
            AddedToken token = match.token();
            if (token.singleWord()
                    && ((start > from && isWordChar(text.codePointBefore(start)))
                            || (end < to && isWordChar(text.codePointAt(end))))) {
                continue;
            }
            out.add(start);
            out.add(end);
            out.add(match.id());
        }
    }

    private static Pattern longestAt(String text, int i, int to, Pattern[] candidates) {
        for (Pattern p : candidates) {
            if (p.text().length() <= to - i && text.startsWith(p.text(), i)) {
                return p;
            }
        }
        return null;
    }

    /** Rust regex {@code \w}: alphabetic, marks, decimal digits, connector punctuation, join controls. */
    private static boolean isWordChar(int cp) {
        if (Character.isAlphabetic(cp) || cp == 0x200C || cp == 0x200D) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.CONNECTOR_PUNCTUATION;
    }
}
