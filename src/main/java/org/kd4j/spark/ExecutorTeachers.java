package org.kd4j.spark;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.model.TextClassifier;

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
 * alone depend on it; it holds only values that are pure functions of their key (a model file and a tokenizer spec:
 * the model files of kd4j's cache are content-addressed, so a path names one set of weights); nothing reads settings
 * from it. Two teachers loading at the same time each load once (a holder per key, loaded under its own lock). In
 * local mode the driver and the executor share the JVM, so the cache lives as long as the application; on a cluster,
 * as long as the executor.
 */
final class ExecutorTeachers {

    private static final Logger LOG = LogManager.getLogger(ExecutorTeachers.class);

    /** A teacher ready to score: its model and its own tokenizer. */
    record Loaded(TextClassifier model, BertTokenizer tokenizer) { }

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
            h.value.model().release();
        }
    }

    private static String key(TeacherSpec spec) {
        return spec.modelFile() + "\n" + spec.tokenizer();
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
                    TextClassifier model = TextClassifier.load(Path.of(spec.modelFile()));
                    if (model.outputs() != spec.task().numOutputs()) {
                        throw new KdException("spark teacher " + spec.modelFile() + ": expects " + model.outputs()
                                + " labels, task " + spec.task() + " has " + spec.task().numOutputs());
                    }
                    BertTokenizer tokenizer = BertTokenizer.load(spec.tokenizer());
                    loads++;
                    LOG.info("executor: loaded teacher {} with tokenizer {}", spec.modelFile(), tokenizer.describe());
                    value = new Loaded(model, tokenizer);
                }
                return value;
            }
        }
    }
}
