package org.kd4j.distill.train;

import org.kd4j.config.DistillConfig;
import org.kd4j.config.OptimizerKind;
import org.kd4j.config.TrainConfig;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Parallelism;

/**
 * Single training steps (forward, backward, optimizer update: AdamW unless another is given) of a model on given
 * batches, without epochs, evaluation or checkpoints: what benchmarks time. Cross-entropy on gold labels, learning rate
 * 1e-4, weight decay 0.01, the default clipping.
 */
public final class StepTimer implements AutoCloseable {

    private final GradientEngine engine;
    private final TrainingStep step;
    private long steps;

    private StepTimer(TextClassifier model, EncodedDataset data, Parallelism parallelism, boolean poolStepArrays,
                      OptimizerKind optimizer) {
        LossTargets targets = new LossTargets("bench", null, DistillConfig.defaults(), data.task().isRegression(),
                model.outputs(), data.size());
        this.engine = new GradientEngine("bench", model, targets, data, 0, parallelism, poolStepArrays);
        this.step = new TrainingStep(model, engine, Optimizer.create(optimizer, 0.01), TrainConfig.defaults().clipNorm());
    }

    /** Steps of {@code model} on batches of {@code data} with {@code parallelism}'s workers and micro-batches. */
    public static StepTimer of(TextClassifier model, EncodedDataset data, Parallelism parallelism) {
        return of(model, data, parallelism, true);
    }

    /** As {@link #of(TextClassifier, EncodedDataset, Parallelism)}; {@code poolStepArrays} false only to compare. */
    public static StepTimer of(TextClassifier model, EncodedDataset data, Parallelism parallelism, boolean poolStepArrays) {
        return of(model, data, parallelism, poolStepArrays, OptimizerKind.ADAMW);
    }

    /** As {@link #of(TextClassifier, EncodedDataset, Parallelism, boolean)}, with {@code optimizer}. */
    public static StepTimer of(TextClassifier model, EncodedDataset data, Parallelism parallelism, boolean poolStepArrays,
                               OptimizerKind optimizer) {
        return new StepTimer(model, data, parallelism, poolStepArrays, optimizer);
    }

    /** One update on {@code batch}; returns the loss before it. */
    public double step(Batch batch) {
        double loss = step.run(batch, 1e-4, 1.0);
        steps++;
        if (!Double.isFinite(loss)) {
            throw new org.kd4j.KdException("bench: loss is " + loss + " at step " + steps + "; stopped without updating");
        }
        return loss;
    }

    /** Parts the batch is split into (for tests). */
    int parts(Batch batch) {
        return engine.parts(batch);
    }

    /** Loss and gradients of a batch without updating (for tests). */
    GradientEngine.BatchGradients gradients(Batch batch) {
        return engine.gradients(batch, 1.0);
    }

    /** Frees the workers' step arrays and stops their threads. */
    @Override
    public void close() {
        engine.close();
    }
}
