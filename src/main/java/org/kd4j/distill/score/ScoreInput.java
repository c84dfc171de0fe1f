package org.kd4j.distill.score;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.kd4j.KdException;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.data.glue.TransferFile;
import org.kd4j.distill.TaskData;

/**
 * What the teachers score: the file whose contents key the logits, the key's variant (as a distillation run builds it),
 * the number of rows, and the rows themselves, streamed in order (a transfer file is read again for each teacher, never
 * held whole).
 *
 * @param file the data file of the {@link org.kd4j.distill.cache.CacheKey}
 * @param variant the key's variant ({@code "transfer"}, {@code "dev"}, the training subset's)
 * @param rows how many examples {@link #forEach} gives
 * @param description for logs and the summary
 */
public record ScoreInput(Path file, String variant, int rows, String description, Rows examples) {

    /** The examples in order. */
    @FunctionalInterface
    public interface Rows {
        void forEach(Consumer<Example> sink);
    }

    public ScoreInput {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(examples, "examples");
        if (rows <= 0) {
            throw new IllegalArgumentException("rows: expected > 0, got " + rows);
        }
    }

    /** Streams the examples to {@code sink}. */
    public void forEach(Consumer<Example> sink) {
        examples.forEach(sink);
    }

    /**
     * A transfer file ({@code data.transfer_file}'s format), read through once now: a missing or empty file, or a bad
     * line (under {@code on_bad_row: fail}), is an error naming the file and line before anything is scored.
     */
    public static ScoreInput transfer(Path file, GlueTask task, OnBadRow onBadRow) {
        int rows = TransferFile.forEach(file, task, onBadRow, e -> { });
        return new ScoreInput(file, "transfer", rows, "transfer file " + file,
                sink -> TransferFile.forEach(file, task, onBadRow, sink));
    }

    /** One of the task's splits, keyed as a distillation run keys it. */
    public static ScoreInput split(TaskData data, ScoreSplit split) {
        return switch (split) {
            case TRAIN -> of(data.trainFile(), data.trainVariant(), data.trainExamples(), "training rows of " + data.trainFile());
            case DEV -> of(data.devFile(), "dev", data.devExamples(), "dev split " + data.devFile());
            case UNLABELED -> {
                if (!data.hasUnlabeled()) {
                    throw new KdException("--split unlabeled: the config has no unlabeled training rows (data.unlabeled_train is 0)");
                }
                yield of(data.trainFile(), data.unlabeledVariant(), data.unlabeledExamples(), "unlabeled rows of " + data.trainFile());
            }
        };
    }

    private static ScoreInput of(Path file, String variant, List<Example> examples, String description) {
        return new ScoreInput(file, variant, examples.size(), description, examples::forEach);
    }
}
