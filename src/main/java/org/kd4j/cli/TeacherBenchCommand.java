package org.kd4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import org.kd4j.bench.TeacherBenchmark;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.distill.TaskData;
import org.kd4j.distill.TeacherPool;
import org.kd4j.distill.score.ScoreSplit;
import org.kd4j.distill.train.Progress;
import org.kd4j.util.Nd4jProcess;
import org.kd4j.util.Parallelism;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench teachers}: a config's teachers scoring a split on kd4j and on ONNX Runtime ({@code run.teacher_runtime}),
 * side by side in one process, with what a distillation run scores with (batch size, parallelism).
 */
@Command(name = "teachers", mixinStandardHelpOptions = true,
        description = "Rows/s of each teacher of a config scoring a split on kd4j and on ONNX Runtime (run.teacher_runtime),"
                + " alternating in one process: medians over runs with min..max, the ratio, and the largest difference of"
                + " their logits (or, with --output features, of their pooled representations; with --output both, of"
                + " both, computed in one pass). Teachers not cached are"
                + " trained first; nothing is written to the logit cache.")
final class TeacherBenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin ThreadsOption threadsOption;
    @Mixin ConfigOptions configOptions;

    @Option(names = "--split", defaultValue = "unlabeled", paramLabel = "<split>",
            description = "Rows scored: train, dev or unlabeled (data.unlabeled_train) (default: ${DEFAULT-VALUE}).")
    ScoreSplit split;

    @Option(names = "--rows", defaultValue = "2000", paramLabel = "<n>",
            description = "The split's first n rows (0: all; default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "<n>",
            description = "Timed passes of each runtime (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--output", defaultValue = "logits", paramLabel = "<output>",
            description = "What the teachers compute: logits, features (their pooled representations, the hidden"
                    + " loss's targets), or both (in one pass, as a run with the hidden loss scores rows not cached)"
                    + " (default: ${DEFAULT-VALUE}).")
    TeacherBenchmark.Output output;

    @Option(names = "--no-progress", description = "No progress bar or lines while a teacher trains.")
    boolean noProgress;

    @Override
    public Integer call() {
        UsageError.require(spec, runs >= 1, "--runs", "1 or more", runs);
        UsageError.require(spec, rows >= 0, "--rows", "0 (all) or more", rows);
        ExperimentConfig config = configOptions.load(new ArrayList<>(threadsOption.overrides()));
        Parallelism parallelism = config.run().parallelism();
        Nd4jProcess.threadsPerOp(parallelism.threadsPerOp()); // one setting for the process
        TaskData data = new TaskData(config.task(), config.data());
        if (split == ScoreSplit.UNLABELED && !data.hasUnlabeled()) {
            throw new KdException("--split unlabeled: the config has no unlabeled rows (data.unlabeled_train is 0); give"
                    + " --split train or dev");
        }
        TeacherPool pool = new TeacherPool(config, data, noProgress ? Progress.off() : Progress.forConsole());
        int batch = Math.max(64, config.data().batchSize()); // TeacherPool's batch size
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s %s, %s, batches of %d, kd4j: %d thread(s) per op, %d worker(s); ONNX Runtime: %d intra-op"
                        + " thread(s)%n", config.task(), split.name().toLowerCase(Locale.ROOT), output.name().toLowerCase(Locale.ROOT),
                batch, parallelism.threadsPerOp(), parallelism.workers(),
                org.kd4j.distill.TeacherInference.threads(parallelism));
        List<TeacherBenchmark.Line> lines = new ArrayList<>();
        for (TeacherPool.Scorer scorer : pool.scorers()) {
            EncodedDataset encoded = switch (split) {
                case TRAIN -> data.train(scorer.tokenizer());
                case DEV -> data.dev(scorer.tokenizer());
                case UNLABELED -> data.unlabeled(scorer.tokenizer());
            };
            TeacherBenchmark.Scored scored = new TeacherBenchmark.Scored(scorer, TeacherBenchmark.head(encoded, rows));
            lines.add(TeacherBenchmark.run(scored, config.task(), config.data().maxLength(), batch, runs, parallelism, output));
            out.print(TeacherBenchmark.table(lines.subList(lines.size() - 1, lines.size())));
            out.flush();
            org.kd4j.util.NativeGarbage.collect("teacher " + scorer.name());
        }
        out.println();
        out.print(TeacherBenchmark.table(lines));
        out.flush();
        return Main.EXIT_OK;
    }
}
