package org.kd4j.distill.train;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.kd4j.eval.Evaluation;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a {@link Checkpoint} (weights, the loss' own parameters, optimizer moments, {@link TrainingState}) every
 * {@code everySteps} updates (0: never mid-epoch) and at the end of every epoch, so that a resumed run ends exactly where an uninterrupted one
 * does.
 */
final class Checkpoints implements TrainingListener {

    private final Path workDir;
    private final TextClassifier model;
    private final Supplier<Map<String, INDArray>> lossParameters;
    private final Optimizer optimizer;
    private final int everySteps;

    /** @param lossParameters the loss' own parameters when a checkpoint is written (made once the loss is in the graph) */
    Checkpoints(Path workDir, TextClassifier model,
                Supplier<Map<String, INDArray>> lossParameters,
                Optimizer optimizer, int everySteps) {
        this.workDir = workDir;
        this.model = model;
        this.lossParameters = lossParameters;
        this.optimizer = optimizer;
        this.everySteps = everySteps;
    }

    @Override
    public void onStepEnd(TrainingState state, int batchExamples, double loss) {
        if (everySteps > 0 && state.step() % everySteps == 0) {
            Checkpoint.save(workDir, model, lossParameters.get(), optimizer, state);
        }
    }

    @Override
    public void onEpochEnd(TrainingState state, Evaluation dev, boolean improved) {
        Checkpoint.save(workDir, model, lossParameters.get(), optimizer, state);
    }
}
