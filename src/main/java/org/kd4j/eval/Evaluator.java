package org.kd4j.eval;

import java.util.Locale;
import java.util.Objects;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;

/**
 * Scores a model on a labeled data set: one timed pass for its logits, then the task's metrics and loss against the
 * gold labels or scores. What {@code kd4j evaluate} prints, usable from any caller.
 */
public final class Evaluator {

    /** A model as the evaluator sees it: logits (or regression scores) for every example, in data order. */
    @FunctionalInterface
    public interface Model {
        float[][] logits(EncodedDataset data);
    }

    /**
     * The result of one evaluation.
     *
     * @param evaluation the task's metrics
     * @param loss mean cross-entropy (classification) or squared error (regression)
     * @param seconds wall time of the pass over the data
     * @param examples examples scored
     * @param confusion the confusion matrix (classification), or null (regression)
     */
    public record Report(Evaluation evaluation, double loss, double seconds, int examples, Confusion confusion) {

        public Report {
            Objects.requireNonNull(evaluation, "evaluation");
            if (examples <= 0) {
                throw new IllegalArgumentException("examples: expected > 0, found " + examples);
            }
        }

        public double examplesPerSecond() {
            return seconds > 0 ? examples / seconds : Double.NaN;
        }

        /** A model-card table: {@code eval_<metric>}, {@code eval_loss}, runtime, samples/s, samples. */
        public MarkdownTable table() {
            MarkdownTable table = new MarkdownTable("metric", "value");
            evaluation.metrics().forEach((m, v) -> table.row("eval_" + m.key(), String.format(Locale.ROOT, "%.4f", v)));
            table.row("eval_loss", String.format(Locale.ROOT, "%.4f", loss));
            table.row("eval_runtime (s)", String.format(Locale.ROOT, "%.2f", seconds));
            table.row("eval_samples_per_second", String.format(Locale.ROOT, "%.1f", examplesPerSecond()));
            table.row("eval_samples", examples);
            return table;
        }
    }

    private Evaluator() {}

    /**
     * Runs {@code model} over {@code data} once (timed) and scores it for {@code task}.
     *
     * @throws IllegalArgumentException when the data set is empty, or the model returns a row count other than the
     *     data's
     */
    public static Report evaluate(GlueTask task, EncodedDataset data, Model model) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("evaluation data: expected at least one example, found none");
        }
        long start = System.nanoTime();
        Logits logits = new Logits(model.logits(data));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (logits.size() != data.size()) {
            throw new IllegalArgumentException("model output: expected " + data.size() + " rows, found " + logits.size());
        }
        Evaluation evaluation = Evaluation.of(task, logits, data.labels(), data.scores());
        Confusion confusion = task.isRegression() ? null : Confusion.of(task.labels(), logits.rows(), data.labels());
        return new Report(evaluation, Evaluation.loss(task, logits, data.labels(), data.scores()), seconds, data.size(),
                confusion);
    }
}
