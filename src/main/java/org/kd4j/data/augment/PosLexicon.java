package org.kd4j.data.augment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The training vocabulary grouped by part of speech, for Tang et al.'s POS-guided word replacement. A replacement
 * for a word tagged {@code t} is drawn from the unigram distribution of the training words, renormalised over the
 * words tagged {@code t}: {@code P(w | t) = count(w, t) / count(t)}. Here {@code count(w, t)} counts the times
 * {@code w} was tagged {@code t} in context. So "like" can be drawn as a verb and also as a preposition, each in
 * proportion to how often it was tagged so.
 *
 * <p>It is built once, in one pass over the training texts in file order ({@link Builder}). Word ids follow first
 * appearance and each tag's words are kept in id order, so the same training file and seed always give the same
 * draws. Immutable once built.
 */
public final class PosLexicon {

    private final String[] words;
    private final String[] tags;
    /** Per tag id: the word ids seen with that tag, ascending. */
    private final int[][] tagWords;
    /** Per tag id: cumulative counts aligned with {@link #tagWords}; the last entry is count(t). */
    private final long[][] tagCumulative;

    private PosLexicon(String[] words, String[] tags, int[][] tagWords, long[][] tagCumulative) {
        this.words = words;
        this.tags = tags;
        this.tagWords = tagWords;
        this.tagCumulative = tagCumulative;
    }

    /** A text split into words (as vocabulary ids) with each word's tag (as a tag id). */
    public record TaggedText(int[] words, byte[] tags) {
        public TaggedText {
            if (words.length != tags.length) {
                throw new IllegalArgumentException(words.length + " words but " + tags.length + " tags");
            }
        }

        public int length() {
            return words.length;
        }
    }

    public String word(int id) {
        return words[id];
    }

    public int vocabularySize() {
        return words.length;
    }

    /** Tag names in id order. */
    public List<String> tags() {
        return List.of(tags);
    }

    /** How many distinct words were seen with tag {@code tag}. */
    public int wordsWithTag(int tag) {
        return tagWords[tag].length;
    }

    /** Draws a word id with tag {@code tag} from {@code P(w | tag)}. */
    public int sample(int tag, SplittableRandom random) {
        long[] cumulative = tagCumulative[tag];
        long r = random.nextLong(cumulative[cumulative.length - 1]);
        // the first index whose cumulative count exceeds r
        int i = Arrays.binarySearch(cumulative, r + 1);
        return tagWords[tag][i >= 0 ? i : -i - 1];
    }

    /** Collects words and tags from training texts, then {@link #build()}s the lexicon. Not thread-safe. */
    public static final class Builder {

        private static final int MAX_TAGS = Byte.MAX_VALUE + 1;

        private final WordTagger tagger;
        private final Map<String, Integer> wordIds = new HashMap<>();
        private final List<String> words = new ArrayList<>();
        private final Map<String, Integer> tagIds = new HashMap<>();
        private final List<String> tags = new ArrayList<>();
        /** Per tag id: word id to count. */
        private final List<Map<Integer, long[]>> counts = new ArrayList<>();

        public Builder(WordTagger tagger) {
            this.tagger = tagger;
        }

        /** Tags {@code text}'s words in context, counts them, and returns the text as ids. */
        public TaggedText add(String[] text) {
            String[] textTags = tagger.tag(text);
            if (textTags.length != text.length) {
                throw new IllegalStateException(tagger.describe() + " returned " + textTags.length + " tags for "
                        + text.length + " words");
            }
            int[] ids = new int[text.length];
            byte[] tagOfWord = new byte[text.length];
            for (int i = 0; i < text.length; i++) {
                int word = wordIds.computeIfAbsent(text[i], w -> {
                    words.add(w);
                    return words.size() - 1;
                });
                int tag = tagIds.computeIfAbsent(textTags[i], t -> {
                    if (tags.size() == MAX_TAGS) {
                        throw new IllegalStateException(tagger.describe() + " uses more than " + MAX_TAGS + " tags");
                    }
                    tags.add(t);
                    counts.add(new HashMap<>());
                    return tags.size() - 1;
                });
                counts.get(tag).computeIfAbsent(word, w -> new long[1])[0]++;
                ids[i] = word;
                tagOfWord[i] = (byte) tag;
            }
            return new TaggedText(ids, tagOfWord);
        }

        public PosLexicon build() {
            int[][] tagWords = new int[tags.size()][];
            long[][] cumulative = new long[tags.size()][];
            for (int t = 0; t < tags.size(); t++) {
                Map<Integer, long[]> c = counts.get(t);
                int[] ids = c.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
                long[] sums = new long[ids.length];
                long sum = 0;
                for (int i = 0; i < ids.length; i++) {
                    sum += c.get(ids[i])[0];
                    sums[i] = sum;
                }
                tagWords[t] = ids;
                cumulative[t] = sums;
            }
            return new PosLexicon(words.toArray(String[]::new), tags.toArray(String[]::new), tagWords, cumulative);
        }
    }
}
