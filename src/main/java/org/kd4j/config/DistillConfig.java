package org.kd4j.config;

import org.kd4j.ConfigException;
import java.util.List;

/**
 * The distillation objective (see {@link org.kd4j.distill.loss.DistillationLoss} for the formula):
 * {@code hard_weight * CE(gold) + soft_weight * T^2 * KL(ensemble || student at T)}.
 *
 * @param temperature T at the start of training
 * @param temperatureEnd T at the end (linear schedule); equal to {@code temperature} for a constant T
 * @param hardWeight weight of the cross-entropy on gold labels
 * @param softWeight weight of the teacher term
 * @param weighting how teachers are combined per example
 * @param teacherWeights per-teacher weights for {@code fixed} weighting (one per teacher; normalised)
 * @param softLoss {@code kl} on softened probabilities, or {@code mse_logits}
 * @param averageLogits combine teachers' logits before the softmax instead of their probabilities after it
 * @param hardDistillation for unlabeled (transfer) examples, use the ensemble's arg-max as the gold label of the
 *     hard term (classification); without it they contribute to the soft term only
 * @param hiddenWeight weight of the MT-BERT-style hidden loss ({@link org.kd4j.distill.loss.HiddenLoss}): the student's
 *     pooled representation matched to each teacher's through a learned projection; 0 (the default) turns it off
 * @param hiddenDims optional: the pooled width of each teacher (one per teacher, in order), checked against the teachers
 *     before training; empty: taken from the teachers
 * @param layers intermediate-layer distillation from one transformer teacher ({@code distill.layers}); off by default
 */
public record DistillConfig(double temperature, double temperatureEnd, double hardWeight, double softWeight,
                            WeightingScheme weighting, List<Double> teacherWeights, SoftLoss softLoss,
                            boolean averageLogits, boolean hardDistillation, double hiddenWeight,
                            List<Integer> hiddenDims, LayerDistillation layers) {

    public DistillConfig {
        ConfigException.requireRange("temperature", temperature, 0.05, 100.0);
        ConfigException.requireRange("temperature_end", temperatureEnd, 0.05, 100.0);
        ConfigException.requireRange("hard_weight", hardWeight, 0.0, 100.0);
        ConfigException.requireRange("soft_weight", softWeight, 0.0, 100.0);
        if (hardWeight == 0 && softWeight == 0) {
            throw ConfigException.invalid("soft_weight", softWeight, "a positive value when hard_weight is 0");
        }
        if (weighting == null) {
            throw ConfigException.invalid("weighting", null, "uniform, fixed, confidence or teacher_loss");
        }
        if (softLoss == null) {
            throw ConfigException.invalid("soft_loss", null, "kl or mse_logits");
        }
        teacherWeights = teacherWeights == null ? List.of() : List.copyOf(teacherWeights);
        for (double w : teacherWeights) {
            ConfigException.requireRange("teacher_weights", w, 0.0, 1e6);
        }
        if (weighting == WeightingScheme.FIXED) {
            if (teacherWeights.isEmpty() || teacherWeights.stream().mapToDouble(Double::doubleValue).sum() <= 0) {
                throw ConfigException.invalid("teacher_weights", teacherWeights, "one weight per teacher, not all 0, with"
                        + " weighting fixed (they are normalised to sum 1)");
            }
        } else if (!teacherWeights.isEmpty()) {
            throw ConfigException.invalid("teacher_weights", teacherWeights, "none with weighting "
                    + weighting.name().toLowerCase(java.util.Locale.ROOT) + " (weighting fixed is the one that reads them)");
        }
        ConfigException.requireRange("hidden_weight", hiddenWeight, 0.0, 100.0);
        hiddenDims = hiddenDims == null ? List.of() : List.copyOf(hiddenDims);
        for (int d : hiddenDims) {
            ConfigException.requireRange("hidden_dims", d, 1, 16384);
        }
        if (!hiddenDims.isEmpty() && hiddenWeight == 0) {
            throw ConfigException.invalid("hidden_dims", hiddenDims, "empty when hidden_weight is 0 (no hidden loss)");
        }
        layers = layers == null ? LayerDistillation.off() : layers;
    }

    /** This objective without intermediate-layer distillation. */
    public DistillConfig(double temperature, double temperatureEnd, double hardWeight, double softWeight,
                         WeightingScheme weighting, List<Double> teacherWeights, SoftLoss softLoss, boolean averageLogits,
                         boolean hardDistillation, double hiddenWeight, List<Integer> hiddenDims) {
        this(temperature, temperatureEnd, hardWeight, softWeight, weighting, teacherWeights, softLoss, averageLogits,
                hardDistillation, hiddenWeight, hiddenDims, LayerDistillation.off());
    }

    /** This objective without the hidden loss' settings changed: the older nine-field form. */
    public DistillConfig(double temperature, double temperatureEnd, double hardWeight, double softWeight,
                         WeightingScheme weighting, List<Double> teacherWeights, SoftLoss softLoss, boolean averageLogits,
                         boolean hardDistillation) {
        this(temperature, temperatureEnd, hardWeight, softWeight, weighting, teacherWeights, softLoss, averageLogits,
                hardDistillation, 0.0, List.of());
    }

    /** Whether the hidden loss is on ({@code hidden_weight > 0}). */
    public boolean hidden() {
        return hiddenWeight > 0;
    }

    public static DistillConfig defaults() {
        return new DistillConfig(2.0, 2.0, 0.5, 0.5, WeightingScheme.UNIFORM, List.of(), SoftLoss.KL, false, false, 0.0,
                List.of(), LayerDistillation.off());
    }
}
