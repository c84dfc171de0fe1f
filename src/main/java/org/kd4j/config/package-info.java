/**
 * Run configuration: validating records ({@link org.kd4j.config.ExperimentConfig} and its sections) bound from
 * YAML presets in {@code hparams/} by {@link org.kd4j.config.ConfigLoader}, with {@code --set key=value} overrides.
 * YAML keys are the record components in snake_case; a {@code model:} section is the flat form
 * {@link org.kd4j.model.ModelConfig.Flat}, read into one record per architecture.
 */
package org.kd4j.config;
