package org.kd4j.distill;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.TeacherConfig;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.distill.cache.ImportKey;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.onnx.OnnxImporter;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Teachers trained elsewhere: an ONNX export is imported once (cached as an imported-model file keyed by the ONNX
 * file's hash) or an imported-model file is loaded; then it scores data sets like any teacher.
 */
final class ImportedTeachers {

    private static final Logger LOG = LogManager.getLogger(ImportedTeachers.class);

    private ImportedTeachers() {}

    /**
     * The teacher {@code t.imported()} names, ready to score: on kd4j's own transformer when its file allows
     * ({@link #nativeModel}), else on the generic imported graph (an ONNX file imported once into the cache).
     */
    static TeacherModel model(TeacherConfig t, Path cacheDir, GlueTask task) {
        java.util.Optional<NativeTeacherModel> nativeTeacher = nativeModel(t, cacheDir, task);
        if (nativeTeacher.isPresent()) {
            LOG.info("teacher {}: imported {} on kd4j's transformer", t.name(), t.imported());
            return nativeTeacher.get();
        }
        Path file = modelFile(t, cacheDir);
        ImportedModel model = load(t, file, task);
        LOG.info("teacher {}: imported {} ({})", t.name(), file, model.contract().describe());
        return new ImportedTeacherModel(model, file);
    }

    /**
     * The teacher on kd4j's own transformer, when its file allows: a native model file ({@code .kdm}), or an ONNX
     * classifier of a BERT layout (converted once, checked against ONNX Runtime, cached as a native model file).
     * Empty for files that take the generic imported graph (other layouts, {@code .sdz} files).
     *
     * @throws KdException when the file is an encoder without a classifier, or its label count does not fit the task
     */
    static java.util.Optional<NativeTeacherModel> nativeModel(TeacherConfig t, Path cacheDir, GlueTask task) {
        Path source = Path.of(t.imported());
        String key = "teachers[" + t.name() + "].imported";
        if (!Files.isRegularFile(source)) {
            throw new KdException(key + ": file not found: " + source);
        }
        String name = source.getFileName().toString();
        if (name.endsWith(".kdm")) {
            return java.util.Optional.of(NativeTeacherModel.of(checked(key, org.kd4j.model.TextClassifier.load(source), source, task), source));
        }
        if (!name.endsWith(".onnx")) {
            return java.util.Optional.empty();
        }
        Path cached = nativeFile(t, cacheDir);
        if (Files.isRegularFile(cached)) {
            return java.util.Optional.of(NativeTeacherModel.of(checked(key, org.kd4j.model.TextClassifier.load(cached), cached, task), cached));
        }
        org.kd4j.imports.encoder.RecognizedEncoder encoder;
        try {
            encoder = org.kd4j.imports.encoder.NativeEncoders.read(source);
        } catch (org.kd4j.imports.encoder.NotRecognizedException e) {
            LOG.info("teacher {}: generic SameDiff import ({})", t.name(), e.getMessage());
            return java.util.Optional.empty();
        }
        if (encoder.labels() == 0) {
            throw new KdException(key + ": " + source + " is an encoder; a teacher must output logits (fine-tune an encoder with"
                    + " 'init:' instead)");
        }
        if (encoder.labels() != task.numOutputs()) {
            throw new KdException("teachers[" + t.name() + "]: expects " + encoder.labels() + " labels, task " + task + " has "
                    + task.numOutputs() + " (file " + source + ")");
        }
        org.kd4j.model.TextClassifier model = encoder.classifier(encoder.labels(), null, 0);
        PretrainedEncoders.verify(key, model, encoder, source);
        try {
            Files.createDirectories(cached.getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("creating " + cached.getParent(), e);
        }
        model.save(cached);
        return java.util.Optional.of(NativeTeacherModel.of(model, cached));
    }

    /** Where an ONNX teacher's native model is cached (keyed by the ONNX file's hash). */
    private static Path nativeFile(TeacherConfig t, Path cacheDir) {
        return new ImportKey(t.name(), Path.of(t.imported())).file(cacheDir.resolve("imported"), "kdm");
    }

    private static org.kd4j.model.TextClassifier checked(String key, org.kd4j.model.TextClassifier model, Path file, GlueTask task) {
        if (model.outputs() != task.numOutputs()) {
            throw new KdException(key + ": expects " + model.outputs() + " labels, task " + task + " has " + task.numOutputs()
                    + " (file " + file + ")");
        }
        return model;
    }

    /** The imported-model file of the teacher (importing an ONNX source into the cache first if needed). */
    static Path modelFile(TeacherConfig t, Path cacheDir) {
        Path source = Path.of(t.imported());
        if (!Files.isRegularFile(source)) {
            throw new KdException("teachers[" + t.name() + "].imported: file not found: " + source);
        }
        if (!source.getFileName().toString().endsWith(".onnx")) {
            return source;
        }
        Path cached = new ImportKey(t.name(), source).file(cacheDir.resolve("imported"), "sdz");
        if (Files.isRegularFile(cached)) {
            if (readable(cached)) {
                return cached;
            }
            LOG.warn("teacher {}: cached import {} is unreadable (older format or damaged); importing again", t.name(), cached);
        }
        LOG.info("teacher {}: importing {}", t.name(), source);
        ImportedModel model = new OnnxImporter().importFile(source, new OnnxImporter.Options(Head.CLASSIFIER, java.util.List.of()));
        try {
            Files.createDirectories(cached.getParent());
            model.save(cached);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("saving imported teacher to " + cached, e);
        }
        return cached;
    }

    private static boolean readable(Path cached) {
        try {
            ImportedModel.load(cached);
            return true;
        } catch (org.kd4j.imports.ImportException e) {
            return false;
        }
    }

    /** Loads the imported teacher and checks it fits the task. */
    static ImportedModel load(TeacherConfig t, Path file, GlueTask task) {
        ImportedModel model = ImportedModel.load(file);
        GraphContract c = model.contract();
        if (c.head() != Head.CLASSIFIER) {
            throw new KdException("teachers[" + t.name() + "]: " + file + " is an encoder; a teacher must output logits");
        }
        if (c.hidden() != task.numOutputs()) {
            throw new KdException("teachers[" + t.name() + "]: expects " + c.hidden() + " labels, task " + task + " has "
                    + task.numOutputs() + " (file " + file + ")");
        }
        return model;
    }

    /** Logits of every example of {@code data}, in data order (length-sorted batches). */
    static float[][] logits(ImportedModel model, EncodedDataset data, int batchSize, int padId) {
        float[][] out = new float[data.size()][];
        BatchPlanner planner = new BatchPlanner(batchSize, true, 1, 0);
        for (int[] indices : planner.evaluationOrder(data.lengths())) {
            Batch batch = Batch.of(data, indices, 0, padId);
            INDArray logits = model.logits(ids(batch, batch.inputIds()), ids(batch, batch.attentionMask()),
                    ids(batch, batch.tokenTypeIds()));
            float[][] rows = logits.castTo(DataType.FLOAT).toFloatMatrix();
            for (int i = 0; i < indices.length; i++) {
                out[indices[i]] = rows[i];
            }
        }
        return out;
    }

    private static INDArray ids(Batch batch, int[] field) {
        return batch.matrix(field).castTo(DataType.INT64);
    }

    /** Number of weights of the imported graph (its constant and variable float arrays). */
    static long parameterCount(ImportedModel model) {
        long n = 0;
        for (SDVariable v : model.graph().variables()) {
            if ((v.getVariableType() == VariableType.CONSTANT || v.getVariableType() == VariableType.VARIABLE)
                    && v.dataType().isFPType() && v.getArr() != null) {
                n += v.getArr().length();
            }
        }
        return n;
    }
}
