package org.kd4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kd4j.config.ConfigLoader;
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

    @Override
    public Integer call() throws IOException {
        threadsOption.apply();
        // the sweep draws its plots off-screen: AWT must not look for a display (an entry point's choice, made once)
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        org.kd4j.util.NativeGarbage.returnLargeFreesToTheSystem(); // many runs in one process, as in distill
        SweepConfig config = ConfigLoader.loadRecord(space, SweepConfig.class);
        Sweep.Result result = new Sweep(config, resume).run();
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
}
