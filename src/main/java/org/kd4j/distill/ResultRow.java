package org.kd4j.distill;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.kd4j.eval.Evaluation;

/**
 * One line of a run's comparison table.
 *
 * @param name what was evaluated (a teacher, the ensemble, a student variant)
 * @param parameters trainable parameters (0 for the ensemble)
 * @param dev dev metrics
 * @param devLoss cross-entropy (MSE for regression) of the dev predictions
 * @param evalSeconds wall time of one pass over the dev set
 * @param trainSeconds training time (0 when unknown or not trained by the framework)
 * @param cached the model came from the cache; {@code trainSeconds} is then the time its training took when it was made
 * @param trainPhaseSeconds a student's training time by phase ({@code TrainingPhases#secondsByKey()}); empty for the
 *     rows the framework did not train here
 */
public record ResultRow(String name, long parameters, Evaluation dev, double devLoss, double evalSeconds,
                        double trainSeconds, boolean cached, Map<String, Double> trainPhaseSeconds) {

    public ResultRow {
        trainPhaseSeconds = trainPhaseSeconds == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(trainPhaseSeconds));
    }

    public ResultRow(String name, long parameters, Evaluation dev, double devLoss, double evalSeconds, double trainSeconds,
                     boolean cached) {
        this(name, parameters, dev, devLoss, evalSeconds, trainSeconds, cached, Map.of());
    }

    public ResultRow(String name, long parameters, Evaluation dev, double devLoss, double evalSeconds, double trainSeconds) {
        this(name, parameters, dev, devLoss, evalSeconds, trainSeconds, false);
    }

    public double evalExamplesPerSecond() {
        return evalSeconds <= 0 ? 0 : dev.examples() / evalSeconds;
    }
}
