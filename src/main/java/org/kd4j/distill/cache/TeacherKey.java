package org.kd4j.distill.cache;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;
import org.kd4j.util.Hashing;

/**
 * What decides a teacher's trained weights, and so names its model file in the cache: its config (as resolved YAML),
 * the encoder it is fine-tuned from, the task, the training file's contents and subset, its tokenizer, and the data
 * settings that change its training (max length, batch size, bucketing). Hashed by {@link KeyHash} under the scheme
 * {@value #SCHEME}; the same fields in the same encoding as the key kd4j 0.1 built inline, so teachers cached by it
 * are still found.
 *
 * @param name the teacher's name (the file name's prefix; not hashed)
 * @param configYaml the teacher's resolved config as YAML
 * @param encoderSha256 hex SHA-256 of the pretrained encoder it is fine-tuned from; empty when trained from scratch
 * @param task the task's display name
 * @param trainFile the training file (hashed by contents)
 * @param trainSubset which rows of it are used
 * @param tokenizerFingerprint its tokenizer
 * @param maxLength max tokens per example
 * @param batchSize training batch size
 * @param bucketing whether batches are bucketed by length
 */
public record TeacherKey(String name, String configYaml, String encoderSha256, String task, Path trainFile, String trainSubset,
                         String tokenizerFingerprint, int maxLength, int batchSize, boolean bucketing) {

    static final String SCHEME = "kd4j.teacher.v1";
    /** Hex digits of the hash in file names. */
    private static final int NAME_DIGITS = 16;

    public TeacherKey {
        Objects.requireNonNull(configYaml, "configYaml");
        Objects.requireNonNull(encoderSha256, "encoderSha256");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(trainFile, "trainFile");
        Objects.requireNonNull(trainSubset, "trainSubset");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: expected a teacher name, found " + (name == null ? "none" : "'" + name + "'"));
        }
        if (tokenizerFingerprint == null || tokenizerFingerprint.isBlank()) {
            throw new IllegalArgumentException("tokenizerFingerprint is required");
        }
        if (maxLength <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException("maxLength and batchSize must be positive, got " + maxLength + " and " + batchSize);
        }
    }

    /**
     * Hex SHA-256 of the scheme tag and the fields (the training file by the hex of its contents' SHA-256, numbers as
     * decimal text). Reads the training file.
     *
     * @throws org.kd4j.KdException when the training file is missing or unreadable
     */
    public String hash() {
        return KeyHash.scheme(SCHEME)
                .text(configYaml)
                .text(encoderSha256)
                .text(task)
                .text(HexFormat.of().formatHex(Hashing.fileSha256("training data", trainFile)))
                .text(trainSubset)
                .text(tokenizerFingerprint)
                .text(Integer.toString(maxLength))
                .text(Integer.toString(batchSize))
                .text(Boolean.toString(bucketing))
                .hex();
    }

    /** The teacher's cached files under {@code teachersDir}, for the key's {@code hash}. */
    public record Files(Path model, Path work) { }

    /** {@code <teachersDir>/<name>-<first 16 hex digits of hash>.kdm}, and its {@code .work} directory. */
    public Files files(Path teachersDir, String hash) {
        String stem = name + "-" + hash.substring(0, NAME_DIGITS);
        return new Files(teachersDir.resolve(stem + ".kdm"), teachersDir.resolve(stem + ".work"));
    }
}
