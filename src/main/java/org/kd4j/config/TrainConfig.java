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
 * @param adamBeta1 AdamW's first-moment decay (absent: 0.9); AdamW only
 * @param adamBeta2 AdamW's second-moment decay (absent: 0.999); AdamW only
 * @param adamEpsilon AdamW's epsilon (absent: 1e-8); AdamW only
 * @param adadeltaRho Adadelta's decay (absent: 0.95); Adadelta only
 * @param adadeltaEpsilon Adadelta's epsilon (absent: 1e-6); Adadelta only
 * @param sgdMomentum SGD's momentum (absent: 0.9; 0 is plain SGD); SGD only
 *
 * <p>The optimizer's constants ({@code adam_beta1} ... {@code sgd_momentum}, the names of Hugging Face's
 * {@code TrainingArguments} where it has them) are written only when set, like {@code optimizer}, and absent they are
 * the values above; each is refused, naming it and the optimizer, in a section whose optimizer does not use it.
 */
public record TrainConfig(int epochs, double learningRate, double weightDecay, double warmupFraction, double clipNorm,
                          long seed, int checkpointEverySteps, int earlyStoppingPatience,
                          @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = OptimizerKind.AtDefault.class)
                          OptimizerKind optimizer,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double adamBeta1,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double adamBeta2,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double adamEpsilon,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double adadeltaRho,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double adadeltaEpsilon,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Double sgdMomentum) {

    /** Keys of a {@code train:} section written only when set: {@code --set} may name them though they are absent. */
    public static final Set<String> OPTIONAL_KEYS = Set.of("optimizer", "adam_beta1", "adam_beta2", "adam_epsilon",
            "adadelta_rho", "adadelta_epsilon", "sgd_momentum");

    public TrainConfig {
        optimizer = optimizer == null ? OptimizerKind.ADAMW : optimizer;
        requireFor("adam_beta1", adamBeta1, OptimizerKind.ADAMW, optimizer, 0.0, 0.999999);
        requireFor("adam_beta2", adamBeta2, OptimizerKind.ADAMW, optimizer, 0.0, 0.999999);
        requireFor("adam_epsilon", adamEpsilon, OptimizerKind.ADAMW, optimizer, 1e-12, 1.0);
        requireFor("adadelta_rho", adadeltaRho, OptimizerKind.ADADELTA, optimizer, 0.0, 0.999999);
        requireFor("adadelta_epsilon", adadeltaEpsilon, OptimizerKind.ADADELTA, optimizer, 1e-12, 1.0);
        requireFor("sgd_momentum", sgdMomentum, OptimizerKind.SGD, optimizer, 0.0, 0.999999);
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

    /** With {@code optimizer} and its default constants. */
    public TrainConfig(int epochs, double learningRate, double weightDecay, double warmupFraction, double clipNorm,
                       long seed, int checkpointEverySteps, int earlyStoppingPatience, OptimizerKind optimizer) {
        this(epochs, learningRate, weightDecay, warmupFraction, clipNorm, seed, checkpointEverySteps, earlyStoppingPatience,
                optimizer, null, null, null, null, null, null);
    }

    /** {@code value} (when set) in range, and only with the optimizer {@code owner} that uses it. */
    private static void requireFor(String key, Double value, OptimizerKind owner, OptimizerKind optimizer, double min,
                                   double max) {
        if (value == null) {
            return;
        }
        if (optimizer != owner) {
            throw ConfigException.invalid(key, value, "absent (" + key + " applies to optimizer " + owner.configName()
                    + " only; this section's optimizer is " + optimizer.configName() + ")");
        }
        ConfigException.requireRange(key, value, min, max);
    }

    /**
     * The record's form, without the optimizer constants that are not set: as it was before they existed, so that
     * fingerprints built from it (a co-finetuning's checkpoint) stay the same.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TrainConfig[epochs=").append(epochs)
                .append(", learningRate=").append(learningRate)
                .append(", weightDecay=").append(weightDecay)
                .append(", warmupFraction=").append(warmupFraction)
                .append(", clipNorm=").append(clipNorm)
                .append(", seed=").append(seed)
                .append(", checkpointEverySteps=").append(checkpointEverySteps)
                .append(", earlyStoppingPatience=").append(earlyStoppingPatience)
                .append(", optimizer=").append(optimizer);
        appendSet(sb, "adamBeta1", adamBeta1);
        appendSet(sb, "adamBeta2", adamBeta2);
        appendSet(sb, "adamEpsilon", adamEpsilon);
        appendSet(sb, "adadeltaRho", adadeltaRho);
        appendSet(sb, "adadeltaEpsilon", adadeltaEpsilon);
        appendSet(sb, "sgdMomentum", sgdMomentum);
        return sb.append(']').toString();
    }

    private static void appendSet(StringBuilder sb, String name, Double value) {
        if (value != null) {
            sb.append(", ").append(name).append('=').append(value);
        }
    }

    public static TrainConfig defaults() {
        return new TrainConfig(3, 1e-3, 0.01, 0.1, 1.0, 42L, 0, 0);
    }

    /** This config with another seed. */
    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(epochs, learningRate, weightDecay, warmupFraction, clipNorm, newSeed, checkpointEverySteps,
                earlyStoppingPatience, optimizer, adamBeta1, adamBeta2, adamEpsilon, adadeltaRho, adadeltaEpsilon, sgdMomentum);
    }

    /** This config with another optimizer, at that optimizer's default constants. */
    public TrainConfig withOptimizer(OptimizerKind kind) {
        return new TrainConfig(epochs, learningRate, weightDecay, warmupFraction, clipNorm, seed, checkpointEverySteps,
                earlyStoppingPatience, kind);
    }
}
