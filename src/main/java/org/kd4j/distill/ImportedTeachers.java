package org.kd4j.distill;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.TeacherConfig;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.distill.cache.ImportKey;
import org.kd4j.model.ImportedClassifier;
import org.kd4j.model.ModelImport;

/**
 * Teachers trained elsewhere: an ONNX export is imported once (cached as an imported-model file keyed by the ONNX
 * file's hash) or an imported-model file is loaded; then it scores data sets like any teacher. The import itself is kd4j's
 * model import's ({@link ModelImport}).
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
        ImportedClassifier model = ModelImport.require("teachers[" + t.name() + "].imported").loadClassifier(t.name(), file, task);
        LOG.info("teacher {}: imported {} ({})", t.name(), file, model.describe());
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
        java.util.Optional<org.kd4j.model.TextClassifier> converted = ModelImport.require(key).nativeClassifier(key, t.name(), source, task);
        if (converted.isEmpty()) {
            return java.util.Optional.empty();
        }
        org.kd4j.model.TextClassifier model = converted.get();
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
            if (ModelImport.require("teachers[" + t.name() + "].imported").readable(cached)) {
                return cached;
            }
            LOG.warn("teacher {}: cached import {} is unreadable (older format or damaged); importing again", t.name(), cached);
        }
        LOG.info("teacher {}: importing {}", t.name(), source);
        ModelImport.require("teachers[" + t.name() + "].imported").importClassifier(source, cached);
        return cached;
    }
}
