package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.kd4j.KdException;
import picocli.CommandLine;

/** Every failure reaches the user as one line; the stack trace only with {@code -v}, internal errors included. */
class InternalErrorTest {

    private static String report(Exception e, int[] code, String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        code[0] = Main.handleException(e, cl, parsed);
        return err.toString();
    }

    @Test
    void anInternalErrorIsOneLineWithAHintAndItsTraceOnlyWithVerbose() {
        int[] code = new int[1];
        String quiet = report(new IllegalStateException("a bug"), code, "data", "stats");
        assertEquals(Main.EXIT_INTERNAL, code[0]);
        assertEquals("error: java.lang.IllegalStateException: a bug (an internal error; -v prints its stack trace)", quiet.strip());
        String verbose = report(new IllegalStateException("a bug"), code, "-v", "data", "stats");
        assertTrue(verbose.startsWith("error: java.lang.IllegalStateException: a bug (an internal error; its stack trace follows)"), verbose);
        assertTrue(verbose.contains("\tat "), verbose);
    }

    @Test
    void aFileThatCannotBeWrittenIsAnInputErrorNamingItAndWhy() {
        int[] code = new int[1];
        String quiet = report(new java.io.UncheckedIOException("preparing run directory /proc/x/run",
                new java.nio.file.NoSuchFileException("/proc/x")), code, "data", "stats");
        assertEquals(Main.EXIT_INPUT, code[0]);
        assertEquals("error: preparing run directory /proc/x/run: NoSuchFileException: /proc/x", quiet.strip());
    }

    @Test
    void anInputErrorIsItsMessageAlone() {
        int[] code = new int[1];
        String quiet = report(new KdException("x.yaml: no such file"), code, "data", "stats");
        assertEquals(Main.EXIT_INPUT, code[0]);
        assertEquals("error: x.yaml: no such file", quiet.strip());
        assertFalse(quiet.contains("\tat "));
    }

    @Test
    void aMessageOfSeveralLinesIsReportedOnOne() {
        int[] code = new int[1];
        String quiet = report(new KdException("x.yaml: while parsing\n in 'reader', line 3:\n    \n    ^\n"), code, "data", "stats");
        assertEquals(Main.EXIT_INPUT, code[0]);
        assertEquals("error: x.yaml: while parsing; in 'reader', line 3:; ^", quiet.strip());
        String internal = report(new IllegalStateException("first\nsecond"), code, "data", "stats");
        assertEquals("error: java.lang.IllegalStateException: first; second (an internal error; -v prints its stack trace)",
                internal.strip());
    }

    @Test
    void aUsageErrorIsOneLineWithWhereToLook() {
        CliRunner r = CliRunner.run("data", "stats", "--no-such-option");
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertEquals("error: Unknown option: '--no-such-option' (see 'kd4j data stats --help')", r.err().strip());
    }
}
