package org.kd4j.cli;

import picocli.CommandLine.Command;

/** Placeholder: replaced in the next commits. */
@Command(name = "bench", hidden = true)
final class BenchCommand {}
