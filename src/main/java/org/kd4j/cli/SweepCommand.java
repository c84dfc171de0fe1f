package org.kd4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kd4j.config.ConfigLoader;
import org.kd4j.distill.train.Progress;
import org.kd4j.hpo.Sweep;
import org.kd4j.hpo.SweepConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sweep}: an Arbiter hyperparameter search over distillation runs. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Hyperparameter search over distillation runs (Arbiter random or grid search); writes results"
                + " (CSV, Markdown, JSON), plots and the best trial's run directory.")
final class SweepCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin ThreadsOption threadsOption;

    @Option(names = "--space", required = true, description = "A sweep space from hparams/sweeps/.")
    Path space;

    @Option(names = "--resume", description = "Continue a killed sweep, skipping the trials already recorded.")
    boolean resume;

    @Option(names = "--dry-run", description = "List the trials the sweep runs, in order, with the values each sets and"
            + " which are recorded already; run nothing, write nothing.")
    boolean dryRun;

    @Option(names = "--no-progress", description = "No progress of the trials' training: a bar on a terminal when one trial"
            + " runs at a time, log lines otherwise.")
    boolean noProgress;

    @picocli.CommandLine.Mixin SparkOptions sparkOptions;

    @Override
    public Integer call() throws IOException {
        if (sparkOptions.masterGiven()) {
            sparkOptions.requireSparkFor("--master");
        }
        // the sweep draws its plots off-screen: AWT must not look for a display (an entry point's choice, made once)
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        org.kd4j.util.NativeGarbage.applyMmapThreshold(); // -Dkd4j.mmapThreshold, as in distill
        SweepConfig loaded = ConfigLoader.loadRecord(space, SweepConfig.class);
        // the options given become fixed overrides of every trial (recorded in each trial's config)
        List<String> set = new ArrayList<>(loaded.set());
        set.addAll(threadsOption.overrides());
        SweepConfig config = new SweepConfig(loaded.base(), set, loaded.search(), loaded.trials(), loaded.timeBudgetMinutes(),
                loaded.parallelism(), loaded.gridPoints(), loaded.objective(), loaded.dir(), loaded.seed(), loaded.dimensions());
        if (dryRun) {
            return dryRun(config);
        }
        // one setting for the process, from the base preset: the trials run in this JVM at the same time
        org.kd4j.util.Nd4jProcess.threadsPerOp(ConfigLoader.load(Path.of(config.base()), config.set()).run().parallelism().threadsPerOp());
        // trials at the same time would draw their bars over each other: log lines then
        Progress progress = noProgress ? Progress.off()
                : config.parallelism() == 1 ? Progress.forConsole() : Progress.logLines(Progress.LOG_INTERVAL_MILLIS);
        Sweep.Result result = sparkOptions.enabled() ? SparkSweep.run(config, resume, sparkOptions.master()) : new Sweep(config, resume, progress).run();
        PrintWriter out = spec.commandLine().getOut();
        Path table = Path.of(config.dir()).resolve("results.md");
        if (Files.isRegularFile(table)) {
            out.println(Files.readString(table));
        }
        out.println(result.best().map(b -> "best: trial " + b.index() + ", run directory " + result.bestRunDir())
                .orElse("no trial succeeded"));
        out.flush();
        return result.best().isPresent() ? Main.EXIT_OK : Main.EXIT_INPUT;
    }

    /** {@code --dry-run}: the trials, their values and which are recorded; nothing trained, nothing written. */
    private int dryRun(SweepConfig config) {
        List<Sweep.PlannedTrial> trials = new Sweep(config, true).plan();
        long recorded = trials.stream().filter(t -> t.recorded().isPresent()).count();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(java.util.Locale.ROOT, "sweep %s: %s search, %d of %d trial(s) recorded in %s, %d to run%s; base %s%n%n",
                space, config.search().name().toLowerCase(java.util.Locale.ROOT), recorded, trials.size(), config.dir(),
                trials.size() - recorded, config.timeBudgetMinutes() > 0
                        ? " (or fewer: time budget " + config.timeBudgetMinutes() + " min)" : "", config.base());
        out.print(org.kd4j.hpo.SweepResults.plannedTable(config.keys(), config.objective().columnName(), trials));
        java.util.OptionalDouble left = Sweep.remainingSeconds(trials, config.parallelism());
        if (left.isPresent()) {
            out.printf(java.util.Locale.ROOT, "%nthe %d trial(s) to run: about %s, at the recorded trials' median time, %d at a"
                    + " time (run them with --resume)%n", trials.size() - recorded, org.kd4j.util.Durations.compact(left.getAsDouble()),
                    config.parallelism());
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /** The Spark path, in a class of its own so that the command loads Spark's classes only with --spark. */
    private static final class SparkSweep {
        static Sweep.Result run(SweepConfig config, boolean resume, String master) {
            org.apache.spark.sql.SparkSession session = org.kd4j.spark.SparkSessions.start(master, java.util.Map.of());
            try {
                return new Sweep(config, resume, Progress.off(), new org.kd4j.spark.SparkTrials(session)).run();
            } finally {
                session.stop();
            }
        }
    }
}
