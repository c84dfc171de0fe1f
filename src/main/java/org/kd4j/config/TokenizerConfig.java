package org.kd4j.config;

import org.kd4j.ConfigException;

/**
 * @param vocab {@code bert-base-uncased}, {@code bert-base-cased} (bundled), or a path to a {@code vocab.txt},
 *     a {@code tokenizer.json}, or a directory holding one of them
 */
public record TokenizerConfig(String vocab) {

    public TokenizerConfig {
        ConfigException.requireText("vocab", vocab);
    }

    public static TokenizerConfig defaults() {
        return new TokenizerConfig("bert-base-uncased");
    }
}
