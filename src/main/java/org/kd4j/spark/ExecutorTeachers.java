package org.kd4j.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.distill.NativeTeacherModel;
import org.kd4j.distill.TeacherInference;
import org.kd4j.model.ImportedClassifier;
import org.kd4j.model.ModelImport;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Parallelism;

/**
 * The teachers this executor JVM has loaded, each once: the one piece of JVM-wide mutable state in kd4j, kept here on
 * purpose and nowhere else.
 *
 * <p>Why it is static: Spark deserializes a fresh copy of a task's function for every task, so nothing the function
 * holds outlives the task; only something reachable from a class survives from one task (or task retry) to the next
 * in the same executor JVM. A teacher of hundreds of megabytes read once per task (or per row) would dominate the
 * scoring, so this cache is what makes "loaded once per executor JVM" true.
 *
 * <p>How it stays honest: it is package-private, so the library outside {@code org.kd4j.spark} cannot see it, let
 * alone depend on it; it holds only values that are pure functions of their key (a model file, a tokenizer spec, the
 * runtime and the workers: the model files of kd4j's cache are content-addressed, so a path names one set of weights;
 * on ONNX Runtime the value holds the session the executor opened on them); nothing reads settings
 * from it. Two teachers loading at the same time each load once (a holder per key, loaded under its own lock). In
 * local mode the driver and the executor share the JVM, so the cache lives as long as the application; on a cluster,
 * as long as the executor.
 */
final class ExecutorTeachers {

    private static final Logger LOG = LogManager.getLogger(ExecutorTeachers.class);

    /**
     * A teacher ready to score: a native model with its inference on the spec's runtime, or an imported graph; and its
     * own tokenizer.
     */
    record Loaded(TextClassifier model, TeacherInference inference, ImportedClassifier imported, BertTokenizer tokenizer) {

        /**
         * The logits of each of {@code batches} (rows of {@code encoded}, each one inference batch in that order): a
         * native model's batches are padded as the local path pads them ({@code Batch.of(..., padTo 0, padId)}) and
         * scored by its {@link TeacherInference} (on kd4j split over the spec's workers, as locally; on ONNX Runtime by
         * this JVM's session, opened and checked against kd4j on the first call's batches); an imported graph gets each
         * batch's rows as a data set of one batch (its own planner keeps the order of rows already sorted by length).
         */
        List<float[][]> logits(EncodedDataset encoded, List<int[]> batches) {
            if (inference != null) {
                List<Batch> padded = new ArrayList<>(batches.size());
                for (int[] batch : batches) {
                    padded.add(Batch.of(encoded, batch, 0, tokenizer.padId()));
                }
                return inference.logits(padded);
            }
            List<float[][]> out = new ArrayList<>(batches.size());
            for (int[] batch : batches) {
                out.add(imported.logits(encoded.subset(batch), batch.length, tokenizer.padId()));
            }
            return out;
        }

        void releaseInferenceMemory() {
            if (model != null) {
                model.releaseInferenceMemory();
            }
        }

        void release() {
            if (inference != null) {
                inference.close();
            }
            if (model != null) {
                model.release();
            }
        }
    }

    private static final ConcurrentMap<String, Holder> LOADED = new ConcurrentHashMap<>();

    private ExecutorTeachers() {}

    /** The teacher of {@code spec}, loaded now if this JVM has not loaded it yet. */
    static Loaded get(TeacherSpec spec) {
        return LOADED.computeIfAbsent(key(spec), k -> new Holder(spec)).get();
    }

    /** How many times this JVM has loaded the teacher of {@code spec} (0 or 1; for tests). */
    static int loads(TeacherSpec spec) {
        Holder h = LOADED.get(key(spec));
        return h == null ? 0 : h.loads;
    }

    /** Drops the teacher of {@code spec} and frees its inference memory (tests; an executor keeps its teachers). */
    static void release(TeacherSpec spec) {
        Holder h = LOADED.remove(key(spec));
        if (h != null && h.value != null) {
            h.value.release();
        }
    }

    private static String key(TeacherSpec spec) {
        return spec.modelFile() + "\n" + spec.tokenizer() + "\n" + spec.runtime() + "\n" + spec.workers();
    }

    /** Loads one teacher on first use, once, under its own lock. */
    private static final class Holder {
        private final TeacherSpec spec;
        private volatile Loaded value;
        private volatile int loads;

        Holder(TeacherSpec spec) {
            this.spec = spec;
        }

        Loaded get() {
            Loaded v = value;
            if (v != null) {
                return v;
            }
            synchronized (this) {
                if (value == null) {
                    Path file = Path.of(spec.modelFile());
                    TextClassifier model = null;
                    TeacherInference inference = null;
                    ImportedClassifier imported = null;
                    if (spec.kind() == TeacherSpec.Kind.NATIVE) {
                        model = TextClassifier.load(file);
                        if (model.outputs() != spec.task().numOutputs()) {
                            String found = "expects " + model.outputs() + " labels, task " + spec.task() + " has "
                                    + spec.task().numOutputs();
                            model.release();
                            throw new KdException("spark teacher " + spec.modelFile() + ": " + found);
                        }
                        inference = TeacherInference.of(spec.name(), NativeTeacherModel.of(model, file), spec.runtime(),
                                spec.task(), spec.maxLength(), Parallelism.sequential().withWorkers(spec.workers()));
                    } else {
                        // checks the label count itself
                        imported = ModelImport.require("spark teacher " + spec.modelFile()).loadClassifier(spec.name(), file, spec.task());
                    }
                    BertTokenizer tokenizer = BertTokenizer.load(spec.tokenizer());
                    loads++;
                    LOG.info("executor: loaded teacher {} with tokenizer {}, to score on {}", spec.modelFile(),
                            tokenizer.describe(), spec.runtime().configName());
                    value = new Loaded(model, inference, imported, tokenizer);
                }
                return value;
            }
        }
    }
}
