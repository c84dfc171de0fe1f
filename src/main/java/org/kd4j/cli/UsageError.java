package org.kd4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Bad usage of a command's options that picocli cannot judge alone (a range, two options together): reported like
 * picocli's own, in one line with the command's {@code --help} named, exit {@link Main#EXIT_USAGE}.
 */
final class UsageError {

    private UsageError() {}

    /** {@code message}: the option, what was expected and what was found. */
    static CommandLine.ParameterException of(CommandSpec command, String message) {
        return new CommandLine.ParameterException(command.commandLine(), message);
    }

    /** Throws {@link #of} with "option: expected expected, found found" unless {@code ok}. */
    static void require(CommandSpec command, boolean ok, String option, String expected, Object found) {
        if (!ok) {
            throw of(command, option + ": expected " + expected + ", found " + found);
        }
    }
}
