package org.kd4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.distill.TaskData;
import org.kd4j.distill.score.ChunkScorer;
import org.kd4j.distill.score.ScoreInput;
import org.kd4j.distill.score.ScoreSplit;
import org.kd4j.distill.score.TeacherScoring;
import org.kd4j.distill.train.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code score}: every teacher of a config scores a transfer file (or one of the task's splits) into the logit cache,
 * under the key {@code distill} reads, in this JVM or on Spark; a later {@code distill} then scores nothing.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score a transfer file (or a split) with every teacher of a config and store the logits in the"
                + " logit cache, where distill finds them; chunked and resumable; locally or on Spark (--spark).")
final class ScoreCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin ThreadsOption threadsOption;
    @Mixin ConfigOptions configOptions;

    @Option(names = "--input", paramLabel = "<file>",
            description = "A transfer file (one text, or tab-separated pair, per line); default: the config's data.transfer_file.")
    Path input;

    @Option(names = "--split", paramLabel = "<split>",
            description = "Score one of the task's splits instead: train, dev or unlabeled (data.unlabeled_train).")
    ScoreSplit split;

    @Mixin SparkOptions sparkOptions;

    @Option(names = "--partitions", paramLabel = "<n>", defaultValue = "0",
            description = "Spark partitions per chunk with --spark (default: Spark's default parallelism).")
    int partitions;

    @Option(names = "--chunk-rows", paramLabel = "<n>", defaultValue = "" + TeacherScoring.DEFAULT_CHUNK_ROWS,
            description = "Rows scored and stored at a time; a restarted scoring skips the chunks stored (default ${DEFAULT-VALUE}).")
    int chunkRows;

    @Option(names = "--no-progress", description = "No progress bar (on a terminal) or progress lines (otherwise).")
    boolean noProgress;

    @Override
    public Integer call() {
        if (input != null && split != null) {
            throw UsageError.of(spec, "--input and --split: give one of them, not both");
        }
        UsageError.require(spec, partitions >= 0, "--partitions", "0 (Spark's default) or more", partitions);
        if (partitions != 0 || sparkOptions.masterGiven()) {
            sparkOptions.requireSparkFor("--master and --partitions");
        }
        org.kd4j.util.NativeGarbage.applyMmapThreshold(); // -Dkd4j.mmapThreshold, as in distill
        List<String> overrides = new ArrayList<>(threadsOption.overrides());
        // teachers are loaded only when something is scored (never on the driver with --spark); keys do not change
        overrides.add("run.measure_teachers=false");
        ExperimentConfig config = configOptions.load(overrides);
        org.kd4j.util.Nd4jProcess.threadsPerOp(config.run().parallelism().threadsPerOp()); // one setting for the process
        TeacherScoring scoring = new TeacherScoring(config, chunkRows, noProgress ? Progress.off() : Progress.forConsole(),
                TeacherScoring.ChunkListener.NONE);
        // the input is checked (read through once) before any teacher is trained or anything is written
        ScoreInput what;
        TaskData data;
        if (split != null) {
            data = scoring.taskData();
            what = ScoreInput.split(data, split);
        } else {
            Path file = input != null ? input : config.data().transferFile().isEmpty() ? null : Path.of(config.data().transferFile());
            if (file == null) {
                throw new KdException("nothing to score: give --input <transfer file> or --split train|dev|unlabeled"
                        + " (the config has no data.transfer_file)");
            }
            what = ScoreInput.transfer(file, config.task(), config.data().onBadRow());
            data = scoring.taskData();
        }
        List<TeacherScoring.Result> results = sparkOptions.enabled() ? SparkScore.run(scoring, data, what, sparkOptions.master(), partitions)
                : scoring.run(data, what, TeacherScoring.LOCAL);
        PrintWriter out = spec.commandLine().getOut();
        for (TeacherScoring.Result r : results) {
            out.println(summary(r));
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /** One line per teacher: rows, seconds, rows/s, the cache file. */
    static String summary(TeacherScoring.Result r) {
        String how = r.wasCached() ? "already cached"
                : String.format(Locale.ROOT, "%.1f s, %.1f rows/s%s", r.seconds(), r.rowsPerSecond(),
                        r.chunksSkipped() > 0 ? ", " + r.chunksSkipped() + " chunk(s) resumed" : "");
        return String.format(Locale.ROOT, "teacher %s: %d rows, %s, %s", r.teacher(), r.rows(), how, r.file());
    }

    /** The Spark path, in a class of its own so that the command loads Spark's classes only with --spark. */
    private static final class SparkScore {
        static List<TeacherScoring.Result> run(TeacherScoring scoring, TaskData data, ScoreInput what, String master,
                                               int partitions) {
            org.apache.spark.sql.SparkSession session = org.kd4j.spark.SparkSessions.start(master, java.util.Map.of());
            try {
                ChunkScorer.Factory factory = org.kd4j.spark.SparkChunkScorer.factory(session, partitions);
                return scoring.run(data, what, factory);
            } finally {
                session.stop();
            }
        }
    }
}
