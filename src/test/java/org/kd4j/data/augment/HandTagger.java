package org.kd4j.data.augment;

import java.util.Map;

/** Tags each word from a fixed word-to-tag table ({@code X} for words not in it), ignoring context. */
record HandTagger(Map<String, String> table) implements WordTagger {

    static final HandTagger FILM = new HandTagger(Map.of(
            "the", "DET", "a", "DET", "film", "NOUN", "movie", "NOUN", "plot", "NOUN",
            "good", "ADJ", "bad", "ADJ", "great", "ADJ", "is", "VERB", "was", "VERB"));

    @Override
    public String[] tag(String[] words) {
        String[] tags = new String[words.length];
        for (int i = 0; i < words.length; i++) {
            tags[i] = table.getOrDefault(words[i].toLowerCase(java.util.Locale.ROOT), "X");
        }
        return tags;
    }

    @Override
    public String describe() {
        return "hand tagger";
    }
}
