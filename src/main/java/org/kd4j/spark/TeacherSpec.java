package org.kd4j.spark;

import java.io.Serializable;
import java.nio.file.Path;
import org.kd4j.config.TeacherRuntime;
import org.kd4j.data.glue.GlueTask;

/**
 * What an executor needs to score with a teacher: sent with every task (a few strings), while the model itself is read
 * by each executor JVM once, from a path every executor can read (local disk in local mode; shared storage or a file
 * shipped with {@code spark-submit --files} on a cluster).
 *
 * @param modelFile the teacher's model file (a kd4j model {@code .kdm}, or an imported-model file for
 *     {@link Kind#IMPORTED}), as the executors see it
 * @param tokenizer the teacher's own tokenizer, as {@link org.kd4j.data.tokenize.BertTokenizer#load(String)} takes it
 * @param task the task (its label set)
 * @param maxLength tokens per example after truncation
 * @param batchSize examples per inference batch
 * @param kind how the model file is loaded
 * @param name the teacher's name (for imported teachers' checks and the log)
 * @param workers inference workers per batch, as the local path's {@link org.kd4j.util.Parallelism#workers()}: a long
 *     batch split the same way on both paths is what keeps kd4j's logits bit-identical; on ONNX Runtime, the session's
 *     intra-op threads
 * @param runtime what scores the batches: kd4j, or ONNX Runtime on the teacher written as ONNX by each executor (native
 *     teachers only)
 */
public record TeacherSpec(String modelFile, String tokenizer, GlueTask task, int maxLength, int batchSize, Kind kind,
                          String name, int workers, TeacherRuntime runtime) implements Serializable {

    /** How an executor loads a teacher's model file. */
    public enum Kind {
        /** kd4j's own graphs ({@code TextClassifier.load}): trained, fine-tuned, or imported and converted. */
        NATIVE,
        /** An imported graph run as it is, through kd4j's model import ({@code ModelImport.loadClassifier}). */
        IMPORTED
    }

    public TeacherSpec {
        if (modelFile == null || modelFile.isBlank()) {
            throw new IllegalArgumentException("modelFile is required");
        }
        if (tokenizer == null || tokenizer.isBlank()) {
            throw new IllegalArgumentException("tokenizer is required");
        }
        if (task == null || kind == null || runtime == null) {
            throw new IllegalArgumentException("task, kind and runtime are required");
        }
        if (kind == Kind.IMPORTED && runtime != TeacherRuntime.KD4J) {
            throw new IllegalArgumentException(modelFile + ": a graph imported as it is scores on kd4j only, found runtime "
                    + runtime.configName());
        }
        if (maxLength < 3 || batchSize < 1 || workers < 1) {
            throw new IllegalArgumentException("maxLength " + maxLength + " (at least 3), batchSize " + batchSize
                    + " (at least 1), workers " + workers + " (at least 1)");
        }
        modelFile = Path.of(modelFile).toAbsolutePath().normalize().toString();
        name = name == null || name.isBlank() ? Path.of(modelFile).getFileName().toString() : name;
    }

    /** A native teacher scored on one worker, on {@code runtime}. */
    public TeacherSpec(String modelFile, String tokenizer, GlueTask task, int maxLength, int batchSize, TeacherRuntime runtime) {
        this(modelFile, tokenizer, task, maxLength, batchSize, Kind.NATIVE, null, 1, runtime);
    }
}
