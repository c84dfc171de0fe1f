package org.kd4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Set;
import org.kd4j.ConfigException;

/**
 * How one model is trained (teacher or student).
 *
 * @param epochs passes over the training set
 * @param learningRate peak learning rate of the optimizer
 * @param weightDecay weight decay on weight matrices and embeddings, not biases or norms: decoupled for AdamW, an L2
 *     term in the gradient for Adadelta and SGD ({@link OptimizerKind})
 * @param warmupFraction fraction of the steps with a linear warm-up from 0; then linear decay to 0
 * @param clipNorm global gradient-norm clipping threshold (0: off)
 * @param seed seed of initialisation and batch order
 * @param checkpointEverySteps save a resumable checkpoint every N steps (0: only at epoch ends)
 * @param earlyStoppingPatience stop after N epochs without a better dev score (0: off)
 * @param optimizer the optimizer ({@link OptimizerKind}); absent: AdamW. Written only when not AdamW
 *     ({@link #OPTIONAL_KEYS}), so every config without it serialises, and hashes, as before it existed
 */
public record TrainConfig(int epochs, double learningRate, double weightDecay, double warmupFraction, double clipNorm,
                          long seed, int checkpointEverySteps, int earlyStoppingPatience,
                          @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = OptimizerKind.AtDefault.class)
                          OptimizerKind optimizer) {

    /** Keys of a {@code train:} section written only when set: {@code --set} may name them though they are absent. */
    public static final Set<String> OPTIONAL_KEYS = Set.of("optimizer");

    public TrainConfig {
        optimizer = optimizer == null ? OptimizerKind.ADAMW : optimizer;
        ConfigException.requireRange("epochs", epochs, 1, 1000);
        ConfigException.requireRange("learning_rate", learningRate, 1e-8, 10.0);
        ConfigException.requireRange("weight_decay", weightDecay, 0.0, 1.0);
        ConfigException.requireRange("warmup_fraction", warmupFraction, 0.0, 0.9);
        ConfigException.requireRange("clip_norm", clipNorm, 0.0, 1e6);
        ConfigException.requireRange("checkpoint_every_steps", checkpointEverySteps, 0, Integer.MAX_VALUE);
        ConfigException.requireRange("early_stopping_patience", earlyStoppingPatience, 0, 1000);
    }

    /** With AdamW. */
    public TrainConfig(int epochs, double learningRate, double weightDecay, double warmupFraction, double clipNorm,
                       long seed, int checkpointEverySteps, int earlyStoppingPatience) {
        this(epochs, learningRate, weightDecay, warmupFraction, clipNorm, seed, checkpointEverySteps, earlyStoppingPatience,
                OptimizerKind.ADAMW);
    }

    public static TrainConfig defaults() {
        return new TrainConfig(3, 1e-3, 0.01, 0.1, 1.0, 42L, 0, 0);
    }

    /** This config with another seed. */
    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(epochs, learningRate, weightDecay, warmupFraction, clipNorm, newSeed, checkpointEverySteps,
                earlyStoppingPatience, optimizer);
    }

    /** This config with another optimizer. */
    public TrainConfig withOptimizer(OptimizerKind kind) {
        return new TrainConfig(epochs, learningRate, weightDecay, warmupFraction, clipNorm, seed, checkpointEverySteps,
                earlyStoppingPatience, kind);
    }
}
