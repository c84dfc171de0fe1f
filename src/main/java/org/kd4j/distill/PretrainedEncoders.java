package org.kd4j.distill;

import java.nio.file.Path;
import java.util.Optional;
import org.kd4j.KdException;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.model.EncoderSource;
import org.kd4j.model.ModelImport;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;

/**
 * Models initialised from pretrained BERT-family encoders ({@code teachers[].init}, {@code student.init}): the export is
 * recognised and loaded into kd4j's own transformer with a fresh head, checked against the tokenizer and the run's
 * max length, and verified against ONNX Runtime on the original file when it is on the classpath. The work is the model
 * import's ({@link ModelImport}); this class is the distillation's way to it.
 */
public final class PretrainedEncoders {

    private PretrainedEncoders() {}

    /** The tokenizer to use with an encoder: {@code vocab} when given, else the one shipped beside the export. */
    static BertTokenizer tokenizer(String key, String vocab, EncoderSource.Files files) {
        if (!vocab.isEmpty()) {
            return BertTokenizer.load(vocab);
        }
        Optional<Path> own = files.tokenizer();
        if (own.isEmpty()) {
            throw new KdException(key + ": " + files.description() + " has no tokenizer.json beside it; name the encoder's"
                    + " tokenizer in 'vocab'");
        }
        return BertTokenizer.load(own.get().toString());
    }

    /**
     * The encoder as a classifier of {@code outputs} on kd4j's transformer, verified against the reference runtime.
     *
     * @param pooling null: the export's own
     * @param layers keep only the encoder's first {@code layers} layers (after the whole encoder was verified against
     *     the reference runtime); 0: all of them
     * @throws KdException naming {@code key} when the encoder is not a BERT layout, does not fit the tokenizer or the
     *     max length, has fewer than {@code layers} layers, or differs from the reference runtime
     */
    public static TextClassifier initialise(String key, EncoderSource.Files files, BertTokenizer tokenizer, String tokenizerName,
                                            int maxLength, int outputs, Pooling pooling, long seed, int layers) {
        return ModelImport.require(key).pretrainedClassifier(key, files, tokenizer, tokenizerName, maxLength, outputs, pooling,
                seed, layers);
    }
}
