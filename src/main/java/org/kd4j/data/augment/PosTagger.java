package org.kd4j.data.augment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import opennlp.tools.postag.POSModel;
import opennlp.tools.postag.POSTagFormat;
import opennlp.tools.postag.POSTaggerME;

/**
 * English part-of-speech tags for words in context. It uses Apache OpenNLP's statistical tagger with the English
 * model that Apache publishes on Maven Central ({@code org.apache.opennlp:opennlp-models-pos-en:1.3.0}, file
 * {@value #MODEL_RESOURCE}). The model was trained on Universal Dependencies English-EWT. It predicts the 17
 * Universal POS tags ({@code NOUN}, {@code VERB}, {@code ADJ}, {@code ADV}, {@code PRON}, {@code PUNCT}, ...).
 * A word that fuses two UD words gets a joined tag such as {@code AUX+PART} or {@code PRON+AUX}, so SST-2's
 * training set gets 23 distinct tags. A joined tag is one more tag: such a word is replaced by words with the same
 * joined tag.
 * OpenNLP's Penn Treebank output is only mapped from these tags, so it would add no detail. Number and tense are not
 * tagged, so a plural noun may be replaced by a singular one and a past-tense verb by a present-tense one.
 *
 * <p>The tagger is deterministic. It is not thread-safe: use one instance per thread.
 */
public final class PosTagger implements WordTagger {

    /** The model file inside the model artifact's jar. */
    public static final String MODEL_RESOURCE = "opennlp-en-ud-ewt-pos-1.3-2.5.4.bin";

    private final POSTaggerME tagger;

    private PosTagger(POSTaggerME tagger) {
        this.tagger = tagger;
    }

    /** Loads the English model from the classpath. */
    public static PosTagger english() {
        try (InputStream in = PosTagger.class.getClassLoader().getResourceAsStream(MODEL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("OpenNLP's English POS model " + MODEL_RESOURCE
                        + " is not on the classpath (dependency org.apache.opennlp:opennlp-models-pos-en)");
            }
            return new PosTagger(new POSTaggerME(new POSModel(in), POSTagFormat.UD));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read OpenNLP's POS model " + MODEL_RESOURCE, e);
        }
    }

    @Override
    public String[] tag(String[] words) {
        return words.length == 0 ? new String[0] : tagger.tag(words);
    }

    @Override
    public String describe() {
        return "Apache OpenNLP POSTaggerME, model " + MODEL_RESOURCE + " (UD English-EWT, Universal POS tags)";
    }
}
