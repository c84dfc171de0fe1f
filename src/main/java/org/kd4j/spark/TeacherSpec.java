package org.kd4j.spark;

import java.io.Serializable;
import java.nio.file.Path;
import org.kd4j.data.glue.GlueTask;

/**
 * What an executor needs to score with a teacher: sent with every task (a few strings), while the model itself is read
 * by each executor JVM once, from a path every executor can read (local disk in local mode; shared storage or a file
 * shipped with {@code spark-submit --files} on a cluster).
 *
 * @param modelFile the teacher's kd4j model file ({@code .kdm}), as the executors see it
 * @param tokenizer the teacher's own tokenizer, as {@link org.kd4j.data.tokenize.BertTokenizer#load(String)} takes it
 * @param task the task (its label set)
 * @param maxLength tokens per example after truncation
 * @param batchSize examples per inference batch
 */
public record TeacherSpec(String modelFile, String tokenizer, GlueTask task, int maxLength, int batchSize) implements Serializable {

    public TeacherSpec {
        if (modelFile == null || modelFile.isBlank()) {
            throw new IllegalArgumentException("modelFile is required");
        }
        if (tokenizer == null || tokenizer.isBlank()) {
            throw new IllegalArgumentException("tokenizer is required");
        }
        if (task == null) {
            throw new IllegalArgumentException("task is required");
        }
        if (maxLength < 3 || batchSize < 1) {
            throw new IllegalArgumentException("maxLength " + maxLength + " (at least 3), batchSize " + batchSize + " (at least 1)");
        }
        modelFile = Path.of(modelFile).toAbsolutePath().normalize().toString();
    }
}
