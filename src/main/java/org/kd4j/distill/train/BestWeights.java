package org.kd4j.distill.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.kd4j.eval.Evaluation;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keeps the weights of the epoch with the best dev score: a copy in memory, and {@value Trainer#BEST_MODEL} in the work
 * folder, written before that epoch's checkpoint so that a resumed run finds them. {@link #restore} puts them back
 * into the model when training ends.
 */
final class BestWeights implements TrainingListener {

    private final TextClassifier model;
    private final Path file;
    private Map<String, INDArray> best;
    private Evaluation evaluation;

    BestWeights(TextClassifier model, Path workDir) {
        this.model = model;
        this.file = workDir.resolve(Trainer.BEST_MODEL);
    }

    @Override
    public void onTrainingBegin(Run run, TrainingState state) {
        if (state.bestEpoch() >= 0 && Files.exists(file)) {
            best = copy(TextClassifier.load(file).parameters()); // resumed: the best epoch was before the interruption
        }
    }

    @Override
    public void onEpochEnd(TrainingState state, Evaluation dev, boolean improved) {
        if (improved) {
            best = copy(model.parameters());
            evaluation = dev;
            model.save(file);
        }
    }

    /**
     * Puts the best weights into the model (none kept: it stays as it is); returns their dev evaluation, or null when
     * this process did not evaluate them (the best epoch was before a resume).
     */
    Evaluation restore() {
        if (best != null) {
            Map<String, INDArray> parameters = model.parameters();
            best.forEach((key, array) -> parameters.get(key).assign(array));
        }
        return evaluation;
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> params) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }
}
