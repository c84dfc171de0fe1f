package org.kd4j.data.augment;

/**
 * Tags the words of one text with their parts of speech, in context. {@link PosTagger} is the real one; tests use
 * hand-written taggers.
 */
public interface WordTagger {

    /** One tag for each word, in order; the same words must always get the same tags. */
    String[] tag(String[] words);

    /** Names the tagger and its model, for logs and provenance. */
    String describe();
}
