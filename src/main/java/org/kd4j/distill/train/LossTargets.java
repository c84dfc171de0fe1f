package org.kd4j.distill.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.kd4j.KdException;
import org.kd4j.config.DistillConfig;
import org.kd4j.data.batch.Batch;
import org.kd4j.distill.loss.DistillationLoss;
import org.kd4j.distill.loss.EnsembleTargets;
import org.kd4j.distill.loss.HiddenLoss;
import org.kd4j.distill.loss.LayerLoss;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.config.SoftLoss;
import org.kd4j.model.TextClassifier;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a model is trained towards on each batch: the {@link DistillationLoss} in its graph and the values of that
 * loss's placeholders. Without teachers: cross-entropy (or squared error for regression) on the gold labels alone.
 * With teachers: their cached logits combined per batch by {@link EnsembleTargets} (the ensemble's one implementation,
 * also behind its dev prediction), weighted {@code hard_weight * CE + soft_weight * soft loss}; with hard distillation,
 * unlabeled (transfer) examples take the ensemble's arg-max as their gold label. With {@code distill.hidden_weight > 0}
 * the {@link HiddenLoss} is added: the student's pooled representation against the teachers' (cached), weighted per
 * example by the same ensemble weights; its projections are made once here and shared by every worker's graph.
 */
final class LossTargets {

    /** What {@link #addTo} built into one graph: the loss, and its hidden term when there is one. */
    record GraphLoss(DistillationLoss loss, HiddenLoss hidden, LayerLoss layer) { }

    private final String name;
    private final float[][][] teacherLogits;
    /** {@code [teachers][train examples][pooled width]}, or null without the hidden loss. */
    private final float[][][] teacherFeatures;
    private final long seed;
    /** The projections of the hidden loss as the first graph holds them (null until then, or without the hidden loss). */
    private Map<String, INDArray> projections;
    /** The teacher of intermediate-layer distillation ({@code distill.layers}), run on every batch; null: none. */
    private final TextClassifier layerTeacher;
    /** The projections of the layer loss as the first graph holds them (null until then). */
    private Map<String, INDArray> layerProjections;
    private final DistillConfig distill;
    private final EnsembleTargets.Combination ensemble;
    private final boolean regression;
    private final int outputs;

    /**
     * @param teacherLogits {@code [teachers][train examples][outputs]}, or {@code null} to train on gold labels only
     * @param trainSize examples of the training set the logits must cover
     */
    LossTargets(String name, float[][][] teacherLogits, DistillConfig distill, boolean regression, int outputs, int trainSize) {
        this(name, teacherLogits, null, null, distill, regression, outputs, trainSize, 0);
    }

    /**
     * @param teacherFeatures {@code [teachers][train examples][pooled width]}: the teachers' pooled representations, needed
     *     when {@code distill.hidden_weight > 0} and there are teacher logits; otherwise ignored
     * @param layerTeacher the teacher {@code distill.layers} names, on kd4j's transformer, when that section is on and
     *     there are teacher logits; otherwise ignored
     * @param seed of the hidden and layer losses' initial projections
     */
    LossTargets(String name, float[][][] teacherLogits, float[][][] teacherFeatures, TextClassifier layerTeacher,
                DistillConfig distill, boolean regression, int outputs, int trainSize, long seed) {
        this.name = name;
        this.seed = seed;
        if (teacherLogits != null && distill.layers().on()) {
            if (layerTeacher == null) {
                throw new KdException(name + ": distill.layers names teacher " + distill.layers().teacher()
                        + ", but no model of it was given");
            }
            this.layerTeacher = layerTeacher;
        } else {
            this.layerTeacher = null;
        }
        if (teacherLogits != null && distill.hidden()) {
            if (teacherFeatures == null || teacherFeatures.length != teacherLogits.length) {
                throw new KdException(name + ": distill.hidden_weight " + distill.hiddenWeight() + " needs the pooled"
                        + " representations of its " + teacherLogits.length + " teacher(s), got "
                        + (teacherFeatures == null ? "none" : teacherFeatures.length));
            }
            for (int k = 0; k < teacherFeatures.length; k++) {
                if (teacherFeatures[k].length != trainSize) {
                    throw new KdException(name + ": teacher " + k + " gives " + teacherFeatures[k].length
                            + " pooled representations; expected " + trainSize);
                }
            }
            this.teacherFeatures = teacherFeatures;
        } else {
            this.teacherFeatures = null;
        }
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

    /**
     * Adds the loss to {@code graph} (the trained model or a replica of it); returns it. The first graph's hidden loss
     * makes the projections; later graphs (replicas) share its arrays.
     */
    GraphLoss addTo(TextClassifier graph) {
        SoftLoss soft = teacherLogits == null ? SoftLoss.KL : distill.softLoss();
        HiddenLoss hidden = null;
        if (teacherFeatures != null) {
            ClassifierGraph g = graph.graph();
            if (!g.hasFeatures()) {
                throw new KdException(name + ": distill.hidden_weight " + distill.hiddenWeight() + " needs the student's pooled"
                        + " representation (" + ClassifierGraph.FEATURES + "); this " + graph.config().type()
                        + " student's graph has none");
            }
            SDVariable pooled = g.sd().getVariable(ClassifierGraph.FEATURES);
            boolean first = projections == null;
            if (first) {
                int studentWidth = org.kd4j.model.ClassifierGraphs.featureWidth(graph.config()).orElse(graph.config().hidden());
                int[] widths = new int[teacherFeatures.length];
                for (int k = 0; k < widths.length; k++) {
                    widths[k] = teacherFeatures[k][0].length;
                }
                projections = HiddenLoss.initialProjections(studentWidth, widths, pooled.dataType(), seed);
            }
            hidden = HiddenLoss.add(g.sd(), pooled, projections);
            if (first) {
                // the arrays the graph computes with (SameDiff's default holder may have copied them)
                Map<String, INDArray> held = new LinkedHashMap<>();
                for (String n : hidden.projectionNames()) {
                    held.put(n, g.sd().getVariable(n).getArr());
                }
                projections = held;
            }
        }
        LayerLoss layer = layerTeacher == null ? null : addLayerLoss(graph);
        SDVariable extra = hidden == null ? null : hidden.term();
        if (layer != null) {
            extra = extra == null ? layer.term() : extra.add(layer.term());
        }
        DistillationLoss loss = regression
                ? DistillationLoss.regression(graph.sd(), graph.logitsVariable(), extra)
                : DistillationLoss.classification(graph.sd(), graph.logitsVariable(), graph.outputs(), soft, extra);
        return new GraphLoss(loss, hidden, layer);
    }

    /** The {@link LayerLoss} in a transformer student's graph, against {@link #layerTeacher}; checks both models first. */
    private LayerLoss addLayerLoss(TextClassifier graph) {
        var layers = distill.layers();
        if (!(graph.config() instanceof org.kd4j.model.TransformerConfig s)) {
            throw new KdException(name + ": distill.layers needs a transformer student (kd4j's own), this one is "
                    + graph.config().type().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!(layerTeacher.config() instanceof org.kd4j.model.TransformerConfig t)) {
            throw new KdException(name + ": distill.layers.teacher = " + layers.teacher() + " must be a transformer on kd4j's"
                    + " own graph, it is " + layerTeacher.config().type().name().toLowerCase(java.util.Locale.ROOT));
        }
        LayerLoss.Shape student = new LayerLoss.Shape(s.hidden(), s.heads(), s.layers());
        LayerLoss.Shape teacher = new LayerLoss.Shape(t.hidden(), t.heads(), t.layers());
        try {
            LayerLoss.check(layers.map(), student, teacher, layers.teacher());
        } catch (IllegalArgumentException e) {
            throw new KdException(e.getMessage(), e);
        }
        SameDiff sd = graph.sd();
        boolean first = layerProjections == null;
        if (first) {
            layerProjections = LayerLoss.initialProjections(layers.map().size(), student, teacher,
                    sd.getVariable(ClassifierGraph.LOGITS).dataType(), seed + 1);
        }
        LayerLoss loss = LayerLoss.add(sd, layers.map(), student, teacher, layerProjections);
        if (first) {
            Map<String, INDArray> held = new LinkedHashMap<>();
            for (String n : loss.projectionNames()) {
                held.put(n, sd.getVariable(n).getArr());
            }
            layerProjections = held;
        }
        return loss;
    }

    /**
     * The loss' own trainable arrays by name (the hidden loss' projections, once a graph holds them): trained with the
     * model, not part of it. Empty without the hidden loss.
     */
    Map<String, INDArray> lossParameters() {
        Map<String, INDArray> all = new LinkedHashMap<>();
        if (projections != null) {
            all.putAll(projections);
        }
        if (layerProjections != null) {
            all.putAll(layerProjections);
        }
        return all;
    }

    /**
     * The placeholder values of {@code loss} for {@code batch} (a whole batch or a part of one), at {@code temperature}.
     * A part's loss terms are scaled by its share of the batch's labeled examples ({@code hardShare}) and of all its
     * examples ({@code softShare}), so that the parts' gradients add up to the whole batch's.
     */
    Map<String, INDArray> placeholders(GraphLoss graphLoss, Batch batch, double temperature, double hardShare,
                                       double softShare) {
        return placeholders(graphLoss, batch, temperature, hardShare, softShare, softShare);
    }

    /**
     * As {@link #placeholders(GraphLoss, Batch, double, double, double)}, with the part's share of the batch's real
     * tokens ({@code tokenShare}), which scales the layer loss (a mean over tokens).
     */
    Map<String, INDArray> placeholders(GraphLoss graphLoss, Batch batch, double temperature, double hardShare,
                                       double softShare, double tokenShare) {
        DistillationLoss loss = graphLoss.loss();
        boolean teachers = teacherLogits != null;
        double hard = (teachers ? distill.hardWeight() : 1.0) * hardShare;
        double soft = (teachers ? distill.softWeight() : 0.0) * softShare;
        EnsembleTargets targets = teachers ? ensemble.targets(slice(batch), regression ? null : batch.labels(),
                regression ? batch.scores() : null, temperature) : null;
        Map<String, INDArray> hiddenFeed = new java.util.HashMap<>();
        if (graphLoss.hidden() != null) {
            hiddenFeed.putAll(graphLoss.hidden().placeholders(slice(teacherFeatures, batch), targets.weights(),
                    distill.hiddenWeight() * softShare));
        }
        if (graphLoss.layer() != null) {
            // per-token targets: the teacher's graph on the same tokens, now (not cached)
            Map<String, INDArray> outputs = new java.util.HashMap<>();
            synchronized (layerTeacher) { // copies taken before another worker's batch runs the teacher's session again
                layerTeacher.outputs(batch, graphLoss.layer().teacherOutputs().toArray(new String[0]))
                        .forEach((k, v) -> outputs.put(k, v.dup()));
            }
            hiddenFeed.putAll(graphLoss.layer().placeholders(outputs, distill.layers().hiddenWeight() * tokenShare,
                    distill.layers().attentionWeight() * tokenShare));
        }
        if (regression) {
            INDArray mean = targets == null ? Nd4j.zeros(DataType.FLOAT, batch.size(), 1) : targets.meanLogits(DataType.FLOAT);
            return withHidden(loss.placeholders(batch.scores(), mean, hard, soft), hiddenFeed);
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
        return withHidden(loss.placeholders(gold, softTargets, temperature, hard, soft), hiddenFeed);
    }

    private static Map<String, INDArray> withHidden(Map<String, INDArray> feed, Map<String, INDArray> hidden) {
        feed.putAll(hidden);
        return feed;
    }

    /** The teachers' logits of the batch's examples, {@code [K][B][C]}. */
    private float[][][] slice(Batch batch) {
        return slice(teacherLogits, batch);
    }

    /** The rows of the batch's examples of per-teacher arrays {@code [K][N][*]}: {@code [K][B][*]}. */
    private static float[][][] slice(float[][][] perTeacher, Batch batch) {
        float[][][] slice = new float[perTeacher.length][batch.size()][];
        for (int k = 0; k < perTeacher.length; k++) {
            for (int i = 0; i < batch.size(); i++) {
                slice[k][i] = perTeacher[k][batch.indices()[i]];
            }
        }
        return slice;
    }
}
