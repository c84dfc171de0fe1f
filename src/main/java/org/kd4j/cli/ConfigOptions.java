package org.kd4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import picocli.CommandLine.Option;

/**
 * The options every configurable command shares: a preset file and {@code --set} overrides. Command-specific
 * flags (e.g. {@code --task}) are added as further overrides, so they pass the same validation.
 */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "<file.yaml>",
            description = "A preset from hparams/ (default: built-in defaults).")
    Path config;

    @Option(names = "--set", paramLabel = "<key=value>",
            description = "Override a config key, e.g. --set data.max_length=64 (repeatable).")
    List<String> sets = new ArrayList<>();

    /** Loads the config with the {@code --set} overrides followed by {@code extra} ones (later wins). */
    ExperimentConfig load(List<String> extra) {
        List<String> all = new ArrayList<>(sets);
        all.addAll(extra);
        return config == null ? ConfigLoader.load(all) : ConfigLoader.load(config, all);
    }
}
