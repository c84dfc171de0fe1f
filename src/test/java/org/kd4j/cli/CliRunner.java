package org.kd4j.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs a CLI command in-process and captures exit code, stdout and stderr. */
public record CliRunner(int exitCode, String out, String err) {

    public static CliRunner run(String... args) {
        return runWithStdin((byte[]) null, args);
    }

    /** Runs with {@code stdin} (UTF-8) as the standard input of {@code tokenize} and {@code predict}. */
    public static CliRunner runWithStdin(String stdin, String... args) {
        return runWithStdin(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    /** Runs with these bytes as the standard input of {@code tokenize} and {@code predict} (null: the real one). */
    public static CliRunner runWithStdin(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        if (stdin != null) {
            TokenizeCommand tokenize = cl.getSubcommands().get("tokenize").getCommand();
            tokenize.in = new ByteArrayInputStream(stdin);
            PredictCommand predict = cl.getSubcommands().get("predict").getCommand();
            predict.in = new ByteArrayInputStream(stdin);
        }
        int code = cl.execute(args);
        return new CliRunner(code, out.toString(), err.toString());
    }
}
