package org.kd4j.imports.pretrained;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.imports.ImportException;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.encoder.NativeEncoders;
import org.kd4j.imports.encoder.NotRecognizedException;
import org.kd4j.imports.encoder.RecognizedEncoder;
import org.kd4j.imports.onnx.OnnxImporter;
import org.kd4j.imports.parity.ParityCheck;
import org.kd4j.imports.parity.ReferenceRuntime;
import org.kd4j.imports.student.EncoderStudent;
import org.kd4j.model.EmbeddingLayer;
import org.kd4j.model.EncoderSource;
import org.kd4j.model.ImportedClassifier;
import org.kd4j.model.ModelImport;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.UnrecognizedEncoderException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * kd4j's model import as the core sees it ({@link ModelImport}, registered through {@link java.util.ServiceLoader}):
 * pretrained BERT-family encoders recognised and loaded into kd4j's own transformer, checked against the tokenizer and
 * the run's max length, and verified against ONNX Runtime on the original file when it is on the classpath; ONNX
 * classifiers imported once as teachers; encoders on the generic SameDiff import.
 */
public final class OnnxModelImport implements ModelImport {

    private static final Logger LOG = LogManager.getLogger(OnnxModelImport.class);

    @Override
    public TextClassifier pretrainedClassifier(String key, EncoderSource.Files files, BertTokenizer tokenizer,
                                               String tokenizerName, int maxLength, int outputs, Pooling pooling, long seed,
                                               int layers) {
        RecognizedEncoder encoder;
        try {
            encoder = NativeEncoders.read(files.onnx());
        } catch (NotRecognizedException e) {
            throw new KdException(key + ": not a BERT-layout encoder kd4j's transformer can hold: " + e.getMessage(),
                    new UnrecognizedEncoderException(e.getMessage(), e));
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
                files.description(), parameterCount(cut), parameterCount(whole));
        return cut;
    }

    private static long parameterCount(TextClassifier model) {
        return model.parameters().values().stream().mapToLong(INDArray::length).sum();
    }

    private static void verify(String key, TextClassifier model, RecognizedEncoder encoder, Path onnx) {
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

    @Override
    public Map<String, INDArray> encoderWeights(Path onnx) throws UnrecognizedEncoderException {
        try {
            return NativeEncoders.read(onnx).weights();
        } catch (NotRecognizedException e) {
            throw new UnrecognizedEncoderException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<TextClassifier> nativeClassifier(String key, String name, Path source, GlueTask task) {
        RecognizedEncoder encoder;
        try {
            encoder = NativeEncoders.read(source);
        } catch (NotRecognizedException e) {
            LOG.info("teacher {}: generic SameDiff import ({})", name, e.getMessage());
            return Optional.empty();
        }
        if (encoder.labels() == 0) {
            throw new KdException(key + ": " + source + " is an encoder; a teacher must output logits (fine-tune an encoder with"
                    + " 'init:' instead)");
        }
        if (encoder.labels() != task.numOutputs()) {
            throw new KdException("teachers[" + name + "]: expects " + encoder.labels() + " labels, task " + task + " has "
                    + task.numOutputs() + " (file " + source + ")");
        }
        TextClassifier model = encoder.classifier(encoder.labels(), null, 0);
        verify(key, model, encoder, source);
        return Optional.of(model);
    }

    @Override
    public void importClassifier(Path onnx, Path target) {
        ImportedModel model = new OnnxImporter().importFile(onnx, new OnnxImporter.Options(Head.CLASSIFIER, List.of()));
        try {
            java.nio.file.Files.createDirectories(target.getParent());
            model.save(target);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("saving imported teacher to " + target, e);
        }
    }

    @Override
    public boolean readable(Path file) {
        try {
            ImportedModel.load(file);
            return true;
        } catch (ImportException e) {
            return false;
        }
    }

    @Override
    public ImportedClassifier loadClassifier(String name, Path file, GlueTask task) {
        ImportedModel model = ImportedModel.load(file);
        GraphContract c = model.contract();
        if (c.head() != Head.CLASSIFIER) {
            throw new KdException("teachers[" + name + "]: " + file + " is an encoder; a teacher must output logits");
        }
        if (c.hidden() != task.numOutputs()) {
            throw new KdException("teachers[" + name + "]: expects " + c.hidden() + " labels, task " + task + " has "
                    + task.numOutputs() + " (file " + file + ")");
        }
        return new ImportedGraphClassifier(model);
    }

    @Override
    public TextClassifier importedStudent(Path onnx, int outputs, long seed) {
        return EncoderStudent.classifier(onnx, outputs, seed);
    }
}
