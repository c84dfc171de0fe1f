package org.kd4j.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Maps the CLI's {@code -v} count onto Log4j2 levels (0: the defaults of log4j2.xml). Log levels belong to the
 * process's logging configuration, so only the CLI sets them; the count itself stays with the command line
 * (a field of {@link Main}), which reads it to decide on stack traces.
 */
final class Verbosity {

    private Verbosity() {}

    static void apply(int count) {
        if (count == 1) {
            Configurator.setLevel("org.kd4j", Level.DEBUG);
            Configurator.setRootLevel(Level.INFO);
        } else if (count >= 2) {
            Configurator.setLevel("org.kd4j", Level.TRACE);
            Configurator.setRootLevel(Level.DEBUG);
        }
        LogManager.getLogger(Verbosity.class).debug("verbosity {}", count);
    }
}
