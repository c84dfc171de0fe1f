package org.kd4j.distill;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.imports.encoder.EncoderSource;
import org.kd4j.imports.encoder.NativeEncoders;
import org.kd4j.imports.encoder.NotRecognizedException;
import org.kd4j.imports.encoder.RecognizedEncoder;
import org.kd4j.imports.parity.ParityCheck;
import org.kd4j.imports.parity.ReferenceRuntime;
import org.kd4j.model.EmbeddingLayer;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;

/**
 * Models initialised from pretrained BERT-family encoders ({@code teachers[].init}, {@code student.init}): the export is
 * recognised and loaded into kd4j's own transformer with a fresh head, checked against the tokenizer and the run's
 * max length, and verified against ONNX Runtime on the original file when it is on the classpath.
 */
public final class PretrainedEncoders {

    private static final Logger LOG = LogManager.getLogger(PretrainedEncoders.class);

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
        RecognizedEncoder encoder;
        try {
            encoder = NativeEncoders.read(files.onnx());
        } catch (NotRecognizedException e) {
            throw new KdException(key + ": not a BERT-layout encoder kd4j's transformer can hold: " + e.getMessage(), e);
        }
        long rows = encoder.weights().get(EmbeddingLayer.TOKENS).size(0);
        if (rows != tokenizer.vocabSize()) {
            throw new KdException(key + ": the encoder's word table has " + rows + " rows but the tokenizer " + tokenizerName + " has "
                    + tokenizer.vocabSize() + " tokens; use the encoder's own tokenizer");
        }
        if (maxLength > encoder.config().maxPositions()) {
            throw new KdException(key + ": data.max_length " + maxLength + " exceeds the encoder's " + encoder.config().maxPositions()
                    + " positions");
        }
        if (layers > encoder.config().layers()) {
            throw new KdException(key + ": init_layers " + layers + " exceeds the " + encoder.config().layers() + " layers of "
                    + files.description());
        }
        TextClassifier whole = encoder.classifier(outputs, pooling, seed);
        verify(key, whole, encoder, files.onnx());
        if (layers == 0 || layers == encoder.config().layers()) {
            return whole;
        }
        TextClassifier cut = encoder.firstLayers(layers).classifier(outputs, pooling, seed);
        LOG.info("{}: the first {} of {} layers of {} ({} parameters of {})", key, layers, encoder.config().layers(),
                files.description(), Runs.parameterCount(cut), Runs.parameterCount(whole));
        return cut;
    }

    static void verify(String key, TextClassifier model, RecognizedEncoder encoder, Path onnx) {
        Optional<ReferenceRuntime> reference = ReferenceRuntime.find();
        if (reference.isEmpty()) {
            LOG.warn("{}: no reference runtime on the classpath (ONNX Runtime); the native encoder is not verified", key);
            return;
        }
        ParityCheck.Report report;
        try {
            report = NativeEncoders.parity(model, encoder, onnx, reference.get(), new int[] {1, 3}, new int[] {7, 16}, 42);
        } catch (Exception e) {
            throw new KdException(key + ": parity check against " + reference.get().name() + " failed to run: " + e.getMessage(), e);
        }
        LOG.info("{}: native encoder {}", key, report.summary());
        if (!report.passes()) {
            throw new KdException(key + ": the native encoder differs from " + report.runtime() + " on " + onnx + "\n" + report.table());
        }
    }
}
