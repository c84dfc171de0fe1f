package org.kd4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.data.augment.AugmentSettings;
import org.kd4j.data.augment.Augmentation;
import org.kd4j.data.augment.PosTagger;
import org.kd4j.data.glue.GlueTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code augment}: writes a transfer set from a task's training split with Tang et al.'s rules (masking, POS-guided
 * word replacement, n-gram sampling; {@link Augmentation}). Point {@code data.transfer_file} at the result so that
 * the teachers label it. The options are validated before any file is read, and the data before the output is opened.
 */
@Command(name = "augment", mixinStandardHelpOptions = true,
        description = "Write a transfer set (one text, or tab-separated pair, per line) from a task's training split by"
                + " Tang et al.'s augmentation, for data.transfer_file.")
final class AugmentCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin ConfigOptions configOptions;

    @Option(names = "--task", paramLabel = "<task>", description = "Task name, e.g. SST-2, MRPC, RTE (or the preset's task).")
    String task;

    @Option(names = "--data-dir", description = "Folder holding glue/<TASK>/ and superglue/<TASK>/ (config data.dir).")
    Path dataDir;

    @Option(names = "--out", required = true, paramLabel = "<file>",
            description = "The transfer file to write (replaced atomically), e.g. runs/transfer/sst2-aug.tsv.")
    Path out;

    @Option(names = "--factor", paramLabel = "<n>",
            description = "Samples drawn per training example (Tang et al.'s n_iter; default ${DEFAULT-VALUE}:"
                    + " about 1M lines from SST-2).")
    int factor = AugmentSettings.DEFAULT_FACTOR;

    @Option(names = "--p-mask", paramLabel = "<p>", description = "Probability of masking a word (default ${DEFAULT-VALUE}).")
    double pMask = AugmentSettings.DEFAULT_P_MASK;

    @Option(names = "--p-pos", paramLabel = "<p>",
            description = "Probability of replacing a word by one of the same part of speech (default ${DEFAULT-VALUE}).")
    double pPos = AugmentSettings.DEFAULT_P_POS;

    @Option(names = "--p-ngram", paramLabel = "<p>",
            description = "Probability of keeping only a random n-gram of the sample (default ${DEFAULT-VALUE}).")
    double pNgram = AugmentSettings.DEFAULT_P_NGRAM;

    @Option(names = "--max-ngram", paramLabel = "<n>", description = "Largest n of that n-gram (default ${DEFAULT-VALUE}).")
    int maxNgram = AugmentSettings.DEFAULT_MAX_NGRAM;

    @Option(names = "--seed", description = "Seed; the same seed and data give a byte-identical file (default ${DEFAULT-VALUE}).")
    long seed = AugmentSettings.DEFAULT_SEED;

    @Option(names = "--mask-token", paramLabel = "<token>",
            description = "What a masked word is written as (default ${DEFAULT-VALUE}, one id in every BERT vocabulary).")
    String maskToken = AugmentSettings.DEFAULT_MASK;

    @Option(names = "--on-bad-row", description = "fail (default) or skip malformed rows of the task files, reporting the count.")
    String onBadRow;

    @Option(names = "--no-progress", description = "No progress lines (for logs and sweeps).")
    boolean noProgress;

    @Override
    public Integer call() {
        AugmentSettings settings = new AugmentSettings(factor, pMask, pPos, pNgram, maxNgram, seed, maskToken);
        if (task == null && configOptions.config == null) {
            throw UsageError.of(spec, "--task is required (or --config with a preset that names the task)");
        }
        OutputFiles.requireWritable("--out", out);
        List<String> overrides = new ArrayList<>();
        if (task != null) {
            overrides.add("task=" + GlueTask.parse(task).displayName());
        }
        if (dataDir != null) {
            overrides.add("data.dir=" + dataDir);
        }
        if (onBadRow != null) {
            overrides.add("data.on_bad_row=" + onBadRow);
        }
        ExperimentConfig config = configOptions.load(overrides);
        GlueTask t = config.task();
        Augmentation.Listener listener = noProgress ? Augmentation.Listener.none()
                : Augmentation.Listener.logging("augment " + t, 10_000);
        Augmentation.Summary summary;
        try {
            summary = Augmentation.writeFile(Path.of(config.data().dir()), t, config.data().onBadRow(), settings,
                    PosTagger.english(), out, listener);
        } catch (IOException e) {
            throw new KdException("--out: cannot write " + out + ": " + e, e);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(out + ": " + summary.describe());
        stdout.flush();
        return Main.EXIT_OK;
    }
}
