package org.kd4j.distill.train;

import java.util.Map;
import org.kd4j.data.batch.Batch;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.embed.EmbeddingTable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One update of a model: the batch's gradients from the {@link GradientEngine}, the embedding gradient scatter-added
 * into the tables' rows, global-norm clipping, the optimizer. A non-finite loss updates nothing: it is returned for the caller
 * to stop on.
 */
final class TrainingStep {

    private final TextClassifier model;
    private final GradientEngine engine;
    private final Optimizer optimizer;
    private final double clipNorm;
    /** The model's trainable arrays by name, and the loss' own (the same arrays every step). */
    private final Map<String, INDArray> parameters;

    TrainingStep(TextClassifier model, GradientEngine engine, Optimizer optimizer, double clipNorm) {
        this.model = model;
        this.engine = engine;
        this.optimizer = optimizer;
        this.clipNorm = clipNorm;
        Map<String, INDArray> all = new java.util.LinkedHashMap<>(model.parameters());
        all.putAll(engine.lossParameters()); // trained with the model, not part of it (not saved)
        this.parameters = all;
    }

    /** Updates the model on {@code batch}; returns the loss before the update (not finite: nothing was updated). */
    double run(Batch batch, double learningRate, double temperature) {
        return run(batch, learningRate, temperature, 0);
    }

    /** As {@link #run(Batch, double, double)} at training step {@code step} (0-based; it seeds the dropout masks). */
    double run(Batch batch, double learningRate, double temperature, long step) {
        TrainingPhases phases = engine.phases();
        long t = System.nanoTime();
        GradientEngine.BatchGradients g = engine.gradients(batch, temperature, step);
        t = phases.since(TrainingPhases.Phase.GRADIENTS, t);
        double loss = g.loss();
        if (!Double.isFinite(loss)) {
            return loss;
        }
        Map<String, INDArray> grads = g.weights();
        Map<String, EmbeddingTable.RowGradient> rowGrads = model.embeddings().backward(batch, g.embeddings());
        t = phases.since(TrainingPhases.Phase.EMBEDDING_ROWS, t);
        GradientClipping.clip(grads, rowGrads, clipNorm);
        t = phases.since(TrainingPhases.Phase.CLIPPING, t);
        optimizer.update(parameters, grads, rowGrads, learningRate);
        engine.afterUpdate();
        // free this step's own gradient arrays now: left to the garbage collector (the heap stays small, so it seldom
        // runs) they piled up to gigabytes of native memory while fine-tuning a 33M-parameter encoder
        rowGrads.values().forEach(r -> r.values().close());
        if (g.owned()) {
            grads.values().forEach(INDArray::close);
            g.embeddings().close();
        }
        phases.since(TrainingPhases.Phase.OPTIMIZER, t);
        return loss;
    }
}
