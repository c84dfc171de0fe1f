package org.kd4j.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.config.TeacherRuntime;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.distill.TeacherInference;
import org.kd4j.distill.TeacherPool;
import org.kd4j.util.Parallelism;

/**
 * A run's teachers scoring the same rows on kd4j and on ONNX Runtime ({@link TeacherRuntime}), side by side in one
 * process: after one untimed pass on each (ONNX Runtime's session opened and checked then), {@code runs} timed passes
 * of each, alternating, with the batches and parallelism a distillation run scores with. Nothing is cached.
 */
public final class TeacherBenchmark {

    private static final Logger LOG = LogManager.getLogger(TeacherBenchmark.class);

    private TeacherBenchmark() {
    }

    /**
     * One teacher's line.
     *
     * @param kd4j rows/s on kd4j
     * @param ort rows/s on ONNX Runtime
     * @param relativeDifference the largest difference of a logit (or of a pooled value) between the two, over the largest
     *     of them (with {@link Output#BOTH}, the larger of the two outputs' figures)
     */
    public record Line(String teacher, int rows, EncoderBenchmark.Stats kd4j, EncoderBenchmark.Stats ort, String ortName,
                       double relativeDifference) {
        public double ratio() {
            return ort.median() / kd4j.median();
        }
    }

    /** What one teacher scores: its rows, encoded with its own tokenizer. */
    public record Scored(TeacherPool.Scorer teacher, EncodedDataset rows) {
        int padId() {
            return teacher.tokenizer().padId();
        }
    }

    /** What the teachers compute in a benchmark. */
    public enum Output {
        /** Their logits ({@link TeacherInference#logits(EncodedDataset, int, int)}): what every distillation run scores. */
        LOGITS,
        /** Their pooled representations ({@link TeacherInference#features}): what the hidden loss matches. */
        FEATURES,
        /**
         * Both from one pass ({@link TeacherInference#logitsAndFeatures}): what a run with the hidden loss scores when
         * neither is cached.
         */
        BOTH;

        /** What {@code inference} computes for this output: one array per output, logits first. */
        List<float[][]> of(TeacherInference inference, EncodedDataset rows, int batchSize, int padId) {
            return switch (this) {
                case LOGITS -> List.<float[][]>of(inference.logits(rows, batchSize, padId));
                case FEATURES -> List.<float[][]>of(inference.features(rows, batchSize, padId));
                case BOTH -> {
                    org.kd4j.model.TextClassifier.Scores both = inference.logitsAndFeatures(rows, batchSize, padId);
                    yield List.of(both.logits(), both.features());
                }
            };
        }
    }

    public static Line run(Scored s, GlueTask task, int maxLength, int batchSize, int runs, Parallelism parallelism,
                           Output output) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs: expected at least 1, found " + runs);
        }
        String name = s.teacher().name();
        try (TeacherInference kd4j = TeacherInference.of(name, s.teacher().model(), TeacherRuntime.KD4J, task, maxLength, parallelism);
             TeacherInference ort = TeacherInference.of(name, s.teacher().model(), TeacherRuntime.ONNX_RUNTIME, task, maxLength,
                     parallelism)) {
            if (ort.runtime() != TeacherRuntime.ONNX_RUNTIME) {
                throw new org.kd4j.KdException("teacher " + name + ": a graph imported as it is, which ONNX Runtime does not run here");
            }
            List<float[][]> a = output.of(kd4j, s.rows(), batchSize, s.padId());
            List<float[][]> b = output.of(ort, s.rows(), batchSize, s.padId());
            double relative = 0;
            for (int i = 0; i < a.size(); i++) {
                relative = Math.max(relative, org.kd4j.export.ExportCheck.compare(a.get(i), b.get(i)).relative());
            }
            double[] ours = new double[runs];
            double[] theirs = new double[runs];
            for (int r = 0; r < runs; r++) {
                ours[r] = rowsPerSecond(() -> output.of(kd4j, s.rows(), batchSize, s.padId()), s.rows().size());
                theirs[r] = rowsPerSecond(() -> output.of(ort, s.rows(), batchSize, s.padId()), s.rows().size());
                LOG.info("teacher {} run {}: kd4j {} rows/s, {} {} rows/s", name, r + 1, fmt(ours[r]), ort.runtimeName(), fmt(theirs[r]));
            }
            return new Line(name, s.rows().size(), EncoderBenchmark.Stats.of(ours), EncoderBenchmark.Stats.of(theirs),
                    ort.runtimeName(), relative);
        }
    }

    private static double rowsPerSecond(Runnable pass, int rows) {
        long start = System.nanoTime();
        pass.run();
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    /** The lines as a Markdown table. */
    public static String table(List<Line> lines) {
        StringBuilder sb = new StringBuilder("| teacher | rows | kd4j rows/s | ONNX Runtime rows/s | ONNX Runtime / kd4j |"
                + " max relative difference |\n| --- | ---: | --- | --- | ---: | ---: |\n");
        for (Line l : lines) {
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %.2fx | %.1e |%n", l.teacher(), l.rows(), stats(l.kd4j()),
                    stats(l.ort()), l.ratio(), l.relativeDifference()));
        }
        return sb.toString();
    }

    private static String stats(EncoderBenchmark.Stats s) {
        return String.format(Locale.ROOT, "%s (%s..%s)", fmt(s.median()), fmt(s.min()), fmt(s.max()));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** The first {@code limit} rows of {@code data} (all when {@code limit} is 0 or more than it has). */
    public static EncodedDataset head(EncodedDataset data, int limit) {
        if (limit <= 0 || limit >= data.size()) {
            return data;
        }
        int[] rows = new int[limit];
        Arrays.setAll(rows, i -> i);
        return data.subset(rows);
    }
}
