package org.kd4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.distill.DistillationRun;
import org.kd4j.distill.train.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code distill}: the main job (teachers, ensemble, three students, comparison table, run directory). */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Train (or reuse cached) teachers, distil their ensemble into the student, print the dev comparison"
                + " table and write the run directory.")
final class DistillCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin ThreadsOption threadsOption;
    @Mixin ConfigOptions configOptions;

    @Option(names = "--resume", description = "Continue an interrupted run from its checkpoints; its configuration must"
            + " be the one it was started with (the run section aside).")
    boolean resume;

    @Option(names = "--no-progress", description = "No progress bar (on a terminal) or progress lines (otherwise).")
    boolean noProgress;

    @Override
    public Integer call() {
        // the process's allocator setting, where -Dkd4j.mmapThreshold asks for one (see NativeGarbage); glibc's own
        // adaptive threshold otherwise, as in the benchmarks and their peers
        org.kd4j.util.NativeGarbage.applyMmapThreshold();
        ExperimentConfig config = configOptions.load(threadsOption.overrides());
        org.kd4j.util.Nd4jProcess.threadsPerOp(config.run().parallelism().threadsPerOp()); // one setting for the process
        String command = "distill" + (configOptions.config == null ? "" : " --config " + configOptions.config)
                + configOptions.sets.stream().map(s -> " --set " + s).reduce("", String::concat) + (resume ? " --resume" : "");
        DistillationRun.Result result = new DistillationRun(config, command, resume,
                noProgress ? Progress.off() : Progress.forConsole()).run();
        PrintWriter out = spec.commandLine().getOut();
        out.println(result.table());
        out.println("run directory: " + result.directory().dir());
        out.flush();
        return Main.EXIT_OK;
    }
}
