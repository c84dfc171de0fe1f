package org.kd4j.cli;

import org.kd4j.util.NativeBuild;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code kd4j} command line. Each sub-command is one class returning an exit code:
 * 0 success, 1 a failure caused by input ({@link KdException}), 2 a usage error, 3 an internal error.
 */
@Command(
        name = "kd4j",
        mixinStandardHelpOptions = true,
        version = "kd4j 0.1.0",
        description = "Multi-teacher knowledge distillation for text classifiers on the JVM.",
        subcommands = {DistillCommand.class, SweepCommand.class, EvaluateCommand.class, PredictCommand.class, DataCommand.class,
                TokenizeCommand.class, BenchCommand.class, ImportCommand.class})
public final class Main implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_INPUT = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_INTERNAL = 3;

    @Option(
            names = "-v",
            scope = ScopeType.INHERIT,
            description = "More logging: -v for debug output and stack traces, -vv for everything.")
    void setVerbosity(boolean[] flags) {
        Verbosity.set(flags.length);
    }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return EXIT_USAGE;
    }

    /** Builds the command line with kd4j's error handling; tests execute commands through this. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handleException);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage());
            err.println("(see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        });
        return cl;
    }

    private static int handleException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean input = ex instanceof KdException;
        err.println("error: " + (input ? ex.getMessage() : ex.toString()));
        if (Verbosity.level() > 0 || !input) {
            ex.printStackTrace(err);
        }
        err.flush();
        return input ? EXIT_INPUT : EXIT_INTERNAL;
    }

    public static void main(String[] args) {
        NativeBuild.select(); // before anything loads ND4J
        int code = commandLine().execute(args);
        System.out.flush();
        System.exit(code);
    }
}
