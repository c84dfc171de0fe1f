package org.kd4j.model;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.kd4j.KdException;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.BertTokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the core asks of kd4j's model import (the sources under {@code model-import/}): pretrained encoders loaded into
 * kd4j's transformer, ONNX classifiers imported as teachers, and encoders run on the generic SameDiff import. The core
 * does not depend on the import code: the implementation lives with it and is registered through
 * {@link ServiceLoader}, like {@link ImportedGraphLoader}; {@link #require} finds it.
 */
public interface ModelImport {

    /**
     * The model import on the classpath.
     *
     * @param key what needs it (a config key or a file), for the error
     * @throws KdException naming {@code key} and the missing provider when kd4j's model import is not on the classpath
     */
    static ModelImport require(String key) {
        return require(key, ModelImport.class.getClassLoader());
    }

    /** {@link #require(String)}, looking for the provider in {@code loader}. */
    static ModelImport require(String key, ClassLoader loader) {
        return ServiceLoader.load(ModelImport.class, loader).findFirst()
                .orElseThrow(() -> new KdException(key + ": needs kd4j's model import (the model-import sources of the kd4j"
                        + " artifact) on the classpath (no " + ModelImport.class.getName() + " found)"));
    }

    /**
     * The encoder as a classifier of {@code outputs} on kd4j's transformer, verified against the reference runtime
     * (ONNX Runtime) when it is on the classpath.
     *
     * @param pooling null: the export's own
     * @param layers keep only the encoder's first {@code layers} layers (after the whole encoder was verified against
     *     the reference runtime); 0: all of them
     * @throws KdException naming {@code key} when the encoder is not a BERT layout (its cause is then an
     *     {@link UnrecognizedEncoderException}), does not fit the tokenizer or the max length, has fewer than
     *     {@code layers} layers, or differs from the reference runtime
     */
    TextClassifier pretrainedClassifier(String key, EncoderSource.Files files, BertTokenizer tokenizer, String tokenizerName,
                                        int maxLength, int outputs, Pooling pooling, long seed, int layers);

    /**
     * The weights of a BERT-family encoder, by kd4j's names ({@link EmbeddingLayer#TOKENS}, ...).
     *
     * @throws UnrecognizedEncoderException when the export is not a BERT layout kd4j's transformer can hold
     */
    Map<String, INDArray> encoderWeights(Path onnx) throws UnrecognizedEncoderException;

    /**
     * The ONNX classifier {@code onnx} (teacher {@code name}) on kd4j's transformer, verified against the reference
     * runtime; empty when it is not a BERT layout (it then takes the generic imported graph).
     *
     * @param key the config key, for errors
     * @throws KdException when the file is an encoder without a classifier, or its label count does not fit the task
     */
    Optional<TextClassifier> nativeClassifier(String key, String name, Path onnx, GlueTask task);

    /** Imports the ONNX classifier {@code onnx} once and saves it as an imported-model file {@code target}. */
    void importClassifier(Path onnx, Path target);

    /** Whether {@code file} is an imported-model file this version reads. */
    boolean readable(Path file);

    /**
     * Loads the imported classifier {@code file} of teacher {@code name}.
     *
     * @throws KdException when it is an encoder, or its label count does not fit the task
     */
    ImportedClassifier loadClassifier(String name, Path file, GlueTask task);

    /**
     * A student initialised from the ONNX encoder {@code onnx} on the generic SameDiff import (its embedding tables,
     * LayerNorm and layers, all trainable) with a fresh linear head of {@code outputs}.
     */
    TextClassifier importedStudent(Path onnx, int outputs, long seed);
}
