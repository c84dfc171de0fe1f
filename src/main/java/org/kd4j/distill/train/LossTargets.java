package org.kd4j.distill.train;

import java.util.Map;
import org.kd4j.KdException;
import org.kd4j.config.DistillConfig;
import org.kd4j.data.batch.Batch;
import org.kd4j.distill.loss.DistillationLoss;
import org.kd4j.distill.loss.EnsembleTargets;
import org.kd4j.config.SoftLoss;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a model is trained towards on each batch: the {@link DistillationLoss} in its graph and the values of that
 * loss's placeholders. Without teachers: cross-entropy (or squared error for regression) on the gold labels alone.
 * With teachers: their cached logits combined per batch by {@link EnsembleTargets} (the ensemble's one implementation,
 * also behind its dev prediction), weighted {@code hard_weight * CE + soft_weight * soft loss}; with hard distillation,
 * unlabeled (transfer) examples take the ensemble's arg-max as their gold label.
 */
final class LossTargets {

    private final float[][][] teacherLogits;
    private final DistillConfig distill;
    private final EnsembleTargets.Combination ensemble;
    private final boolean regression;
    private final int outputs;

    /**
     * @param teacherLogits {@code [teachers][train examples][outputs]}, or {@code null} to train on gold labels only
     * @param trainSize examples of the training set the logits must cover
     */
    LossTargets(String name, float[][][] teacherLogits, DistillConfig distill, boolean regression, int outputs, int trainSize) {
        if (teacherLogits != null) {
            for (int k = 0; k < teacherLogits.length; k++) {
                if (teacherLogits[k].length != trainSize || teacherLogits[k][0].length != outputs) {
                    throw new KdException(name + ": teacher " + k + " gives " + teacherLogits[k].length + " x "
                            + teacherLogits[k][0].length + " logits; expected " + trainSize + " x " + outputs);
                }
            }
        }
        this.teacherLogits = teacherLogits;
        this.distill = distill;
        this.ensemble = EnsembleTargets.Combination.of(distill);
        this.regression = regression;
        this.outputs = outputs;
    }

    /** Adds the loss to {@code graph} (the trained model or a replica of it); returns it. */
    DistillationLoss addTo(TextClassifier graph) {
        SoftLoss soft = teacherLogits == null ? SoftLoss.KL : distill.softLoss();
        return regression
                ? DistillationLoss.regression(graph.sd(), graph.logitsVariable())
                : DistillationLoss.classification(graph.sd(), graph.logitsVariable(), graph.outputs(), soft);
    }

    /**
     * The placeholder values of {@code loss} for {@code batch} (a whole batch or a part of one), at {@code temperature}.
     * A part's loss terms are scaled by its share of the batch's labeled examples ({@code hardShare}) and of all its
     * examples ({@code softShare}), so that the parts' gradients add up to the whole batch's.
     */
    Map<String, INDArray> placeholders(DistillationLoss loss, Batch batch, double temperature, double hardShare,
                                       double softShare) {
        boolean teachers = teacherLogits != null;
        double hard = (teachers ? distill.hardWeight() : 1.0) * hardShare;
        double soft = (teachers ? distill.softWeight() : 0.0) * softShare;
        EnsembleTargets targets = teachers ? ensemble.targets(slice(batch), regression ? null : batch.labels(), temperature) : null;
        if (regression) {
            INDArray mean = targets == null ? Nd4j.zeros(DataType.FLOAT, batch.size(), 1) : targets.meanLogits(DataType.FLOAT);
            return loss.placeholders(batch.scores(), mean, hard, soft);
        }
        INDArray softTargets = targets == null ? Nd4j.zeros(DataType.FLOAT, batch.size(), outputs)
                : distill.softLoss() == SoftLoss.MSE_LOGITS ? targets.meanLogits(DataType.FLOAT) : targets.softTargets(DataType.FLOAT);
        int[] gold = batch.labels();
        if (targets != null && distill.hardDistillation()) {
            gold = gold.clone();
            int[] pseudo = targets.hardLabels();
            for (int i = 0; i < gold.length; i++) {
                if (gold[i] < 0) {
                    gold[i] = pseudo[i];
                }
            }
        }
        return loss.placeholders(gold, softTargets, temperature, hard, soft);
    }

    /** The teachers' logits of the batch's examples, {@code [K][B][C]}. */
    private float[][][] slice(Batch batch) {
        float[][][] slice = new float[teacherLogits.length][batch.size()][];
        for (int k = 0; k < teacherLogits.length; k++) {
            for (int i = 0; i < batch.size(); i++) {
                slice[k][i] = teacherLogits[k][batch.indices()[i]];
            }
        }
        return slice;
    }
}
