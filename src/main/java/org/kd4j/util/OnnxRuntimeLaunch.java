package org.kd4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.kd4j.KdException;

/**
 * A check to make before this process first loads ONNX Runtime's native library. ONNX Runtime 1.29.0 (linux-x64)
 * crashes the whole JVM (SIGSEGV, no Java exception, no hs_err file) while it starts when the process's command line,
 * {@code /proc/self/cmdline}, is longer than 3,980 bytes: measured by padding a {@code -D} property, with 3,980 bytes
 * starting and 3,981 crashing whatever the main class and the environment. A {@code java -cp a.jar:b.jar:...} with
 * kd4j's dependencies spelled out is about 23,000 bytes. Maven's {@code exec:java} and surefire are not affected (the
 * one runs in Maven's JVM, the other passes its class path in a manifest jar); an application started with the class
 * path in a file ({@code java @args.txt}), in {@code CLASSPATH} or in a manifest jar is not either.
 *
 * <p>{@link #check(String)} turns that crash into a {@link KdException} saying so. {@code -D}{@value #SKIP_PROPERTY}
 * {@code =true} skips it (another ONNX Runtime build, or a platform where the crash does not happen). Where there is
 * no {@code /proc/self/cmdline} (not Linux) nothing is checked.
 */
public final class OnnxRuntimeLaunch {

    /** The longest command line, in bytes of {@code /proc/self/cmdline}, with which ONNX Runtime 1.29.0 started. */
    public static final int LONGEST_COMMAND_LINE = 3980;

    /** Set to {@code true} to skip the check. */
    public static final String SKIP_PROPERTY = "kd4j.onnxruntime.skip-command-line-check";

    /** This process's command line length, read once (it cannot change); -1 where it cannot be read. */
    private static final class CommandLine {
        static final int LENGTH = read();

        private static int read() {
            try {
                return Files.readAllBytes(Path.of("/proc/self/cmdline")).length;
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return -1;
            }
        }
    }

    private OnnxRuntimeLaunch() {
    }

    /**
     * Throws before ONNX Runtime would crash this JVM at start (see the class comment); {@code what} names what was to
     * run on it, for the message.
     */
    public static void check(String what) {
        check(what, CommandLine.LENGTH, Boolean.getBoolean(SKIP_PROPERTY));
    }

    /** This process's command line length in bytes; -1 where it cannot be read. */
    public static int commandLineLength() {
        return CommandLine.LENGTH;
    }

    static void check(String what, int commandLineBytes, boolean skip) {
        if (skip || commandLineBytes <= LONGEST_COMMAND_LINE) {
            return;
        }
        throw new KdException(String.format(Locale.ROOT, "%s: not started on ONNX Runtime: this JVM's command line is %,d"
                + " bytes (/proc/self/cmdline), and ONNX Runtime 1.29's native library crashes the JVM when it is longer"
                + " than %,d; start Java with the class path in a file (java @args.txt), in CLASSPATH or in a manifest jar"
                + " (or -D%s=true to try anyway)", what, commandLineBytes, LONGEST_COMMAND_LINE, SKIP_PROPERTY));
    }
}
