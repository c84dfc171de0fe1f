package org.kd4j.config;

import org.kd4j.data.glue.GlueTask;

/**
 * A whole run's configuration, as written in an {@code hparams/} preset.
 *
 * @param task the GLUE/SuperGLUE task, e.g. {@code SST-2}
 * @param data data location, lengths, batching
 * @param tokenizer the student's tokenizer
 */
public record ExperimentConfig(GlueTask task, DataConfig data, TokenizerConfig tokenizer) {

    public ExperimentConfig {
        if (task == null) {
            throw ConfigException.invalid("task", null, "a task name such as SST-2");
        }
        if (data == null || tokenizer == null) {
            throw new IllegalArgumentException("sections data and tokenizer are required");
        }
    }

    public static ExperimentConfig defaults() {
        return new ExperimentConfig(GlueTask.SST2, DataConfig.defaults(), TokenizerConfig.defaults());
    }
}
