package org.kd4j.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/** Maps the CLI's {@code -v} count onto Log4j2 levels (0: defaults of log4j2.xml). */
final class Verbosity {

    private static volatile int level;

    private Verbosity() {}

    static void set(int count) {
        level = count;
        if (count == 1) {
            Configurator.setLevel("org.kd4j", Level.DEBUG);
            Configurator.setRootLevel(Level.INFO);
        } else if (count >= 2) {
            Configurator.setLevel("org.kd4j", Level.TRACE);
            Configurator.setRootLevel(Level.DEBUG);
        }
        LogManager.getLogger(Verbosity.class).debug("verbosity {}", count);
    }

    static int level() {
        return level;
    }
}
