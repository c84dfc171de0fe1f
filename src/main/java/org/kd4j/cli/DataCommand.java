package org.kd4j.cli;

import picocli.CommandLine.Command;

/** {@code data ...}: look at task data. */
@Command(name = "data", description = "Inspect GLUE/SuperGLUE data.", mixinStandardHelpOptions = true,
        subcommands = {DataStatsCommand.class})
final class DataCommand {}
