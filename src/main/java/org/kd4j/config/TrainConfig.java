package org.kd4j.config;

import org.kd4j.ConfigException;

/**
 * How one model is trained (teacher or student).
 *
 * @param epochs passes over the training set
 * @param learningRate peak learning rate of AdamW
 * @param weightDecay decoupled weight decay of AdamW (on weight matrices and embeddings, not biases or norms)
 * @param warmupFraction fraction of the steps with a linear warm-up from 0; then linear decay to 0
 * @param clipNorm global gradient-norm clipping threshold (0: off)
 * @param seed seed of initialisation and batch order
 * @param checkpointEverySteps save a resumable checkpoint every N steps (0: only at epoch ends)
 * @param earlyStoppingPatience stop after N epochs without a better dev score (0: off)
 */
public record TrainConfig(int epochs, double learningRate, double weightDecay, double warmupFraction, double clipNorm,
                          long seed, int checkpointEverySteps, int earlyStoppingPatience) {

    public TrainConfig {
        ConfigException.requireRange("epochs", epochs, 1, 1000);
        ConfigException.requireRange("learning_rate", learningRate, 1e-8, 10.0);
        ConfigException.requireRange("weight_decay", weightDecay, 0.0, 1.0);
        ConfigException.requireRange("warmup_fraction", warmupFraction, 0.0, 0.9);
        ConfigException.requireRange("clip_norm", clipNorm, 0.0, 1e6);
        ConfigException.requireRange("checkpoint_every_steps", checkpointEverySteps, 0, Integer.MAX_VALUE);
        ConfigException.requireRange("early_stopping_patience", earlyStoppingPatience, 0, 1000);
    }

    public static TrainConfig defaults() {
        return new TrainConfig(3, 1e-3, 0.01, 0.1, 1.0, 42L, 0, 0);
    }
}
