package org.kd4j.cli;

import picocli.CommandLine.Command;

/** Placeholder: replaced in the next commits. */
@Command(name = "data", hidden = true)
final class DataCommand {}
