package org.kd4j.cli;

import org.kd4j.util.Messages;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import org.kd4j.util.NativeBuild;
import org.kd4j.util.QuietStdout;
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
        subcommands = {DistillCommand.class, ScoreCommand.class, SweepCommand.class, EvaluateCommand.class, PredictCommand.class, DataCommand.class,
                TokenizeCommand.class, BenchCommand.class, ImportCommand.class, ExportCommand.class, AugmentCommand.class})
public final class Main implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_INPUT = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_INTERNAL = 3;
    /** Out of (native or heap) memory: one line with what to change, never a stack trace unless -v. */
    public static final int EXIT_MEMORY = 4;

    @Option(
            names = "-v",
            scope = ScopeType.INHERIT,
            description = "More logging: -v for debug output and stack traces, -vv for everything.")
    void setVerbosity(boolean[] flags) {
        verbosity = flags.length;
        Verbosity.apply(verbosity);
    }

    /** The {@code -v} count of this command line (a value of the command line, read for stack traces). */
    private int verbosity;

    /** The {@code -v} count of the command line {@code cl} belongs to. */
    private static int verbosity(CommandLine cl) {
        CommandLine root = cl;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommand() instanceof Main main ? main.verbosity : 0;
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
        cl.setCaseInsensitiveEnumValuesAllowed(true); // enums on the command line as in the YAML presets: lower case
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + Messages.oneLine(ex.getMessage()) + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        });
        return cl;
    }

    static int handleException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String memory = memoryProblem(ex);
        if (memory != null) {
            return reportMemory(ex, memory, err, verbosity(cl));
        }
        boolean input = ex instanceof KdException;
        // a file that cannot be read or written (its message names it) is the user's to mend, like bad input
        boolean files = ex instanceof java.io.UncheckedIOException;
        int verbosity = verbosity(cl);
        err.println("error: " + Messages.oneLine(input ? ex.getMessage() : files ? fileProblem((java.io.UncheckedIOException) ex)
                : ex.toString()) + (input || files ? "" : internalHint(verbosity)));
        if (verbosity > 0) {
            ex.printStackTrace(err);
        }
        err.flush();
        return input || files ? EXIT_INPUT : EXIT_INTERNAL;
    }

    /** "what was being done with which file: the I/O exception's kind and message", e.g. {@code writing x: NoSuchFileException: /a}. */
    static String fileProblem(java.io.UncheckedIOException e) {
        java.io.IOException cause = e.getCause();
        return e.getMessage() + ": " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /** What follows an internal error's line: where its stack trace is (with -v: below). */
    private static String internalHint(int verbosity) {
        return verbosity > 0 ? " (an internal error; its stack trace follows)" : " (an internal error; -v prints its stack trace)";
    }

    /**
     * The one-line report of a failure to get memory anywhere in {@code t}'s causes (JavaCPP's "Physical memory usage is too
     * high", ND4J's allocation failures, the JVM's OutOfMemoryError); null when it is not one.
     */
    static String memoryProblem(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof OutOfMemoryError || m.contains("Physical memory usage is too high") || m.contains("Cannot allocate")
                    || m.contains("Failed to allocate")) {
                return (c instanceof OutOfMemoryError ? "out of memory: " : "out of native memory: ") + m.lines().findFirst().orElse(m);
            }
        }
        return null;
    }

    private static int reportMemory(Throwable t, String problem, PrintWriter err, int verbosity) {
        err.println("error: " + problem + " (hint: lower data.batch_size or data.max_length, pass --micro-batch-tokens 1024,"
                + " or raise the limits in MAVEN_OPTS / .mvn/jvm.config: -Xmx for the heap,"
                + " -Dorg.bytedeco.javacpp.maxphysicalbytes for native memory; -D" + org.kd4j.util.NativeGarbage.MMAP_THRESHOLD_PROPERTY
                + "=262144 hands freed arrays"
                + " back to the system at once, slower; files being written were left untouched)");
        if (verbosity > 0) {
            t.printStackTrace(err);
        }
        err.flush();
        return EXIT_MEMORY;
    }

    /**
     * The process's entry point, and the one place where the CLI sets what holds for the whole JVM: the nd4j-native
     * build (before anything loads ND4J), a stdout without SameDiff's gradient-builder lines ({@link QuietStdout}),
     * log levels ({@code -v}); each command applies its run's threads per op ({@link org.kd4j.util.Nd4jProcess}).
     */
    public static void main(String[] args) {
        NativeBuild.select(); // before anything loads ND4J
        System.setOut(QuietStdout.filter(System.out));
        CommandLine cl = commandLine();
        int code;
        try {
            code = cl.execute(args);
        } catch (Throwable t) {
            // Errors (OutOfMemoryError above all) pass picocli's handler: report them in one line, never as a Maven trace
            PrintWriter err = new PrintWriter(System.err, true);
            String memory = memoryProblem(t);
            int verbosity = verbosity(cl);
            code = memory != null ? reportMemory(t, memory, err, verbosity) : internal(t, err, verbosity);
        }
        System.out.flush();
        System.exit(code);
    }

    private static int internal(Throwable t, PrintWriter err, int verbosity) {
        err.println("error: " + Messages.oneLine(t.toString()) + internalHint(verbosity));
        if (verbosity > 0) {
            t.printStackTrace(err);
        }
        err.flush();
        return EXIT_INTERNAL;
    }
}
