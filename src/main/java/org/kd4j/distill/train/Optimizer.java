package org.kd4j.distill.train;

import static java.util.Objects.requireNonNullElse;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.kd4j.KdException;
import org.kd4j.config.OptimizerKind;
import org.kd4j.config.TrainConfig;
import org.kd4j.model.EmbeddingLayer;
import org.kd4j.model.embed.EmbeddingTable;
import org.kd4j.util.DirectArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Updates a model's parameters in place from their gradients, keeping one or two state arrays per parameter (moments,
 * accumulators) and a step count, which {@link Checkpoint} saves and restores. Which one trains a model is its
 * {@code train.optimizer} ({@link OptimizerKind}); the formulas are in the subclasses and the enum.
 *
 * <p>Weight decay applies to weight matrices and embedding tables (names ending in {@code _w}, or the embedding layer's
 * tables), never to biases and norms. Embedding tables get sparse gradients ({@link EmbeddingTable.RowGradient}) and a
 * lazy update: only the rows a batch touched move, their state and weight decay included, as TensorFlow's LazyAdam and
 * PyTorch's SparseAdam do; untouched rows keep their state. A step then costs O(tokens x dim) for the tables instead of
 * O(vocab x dim).
 *
 * <p>Float parameters whose arrays (parameter, states, gradient) are contiguous in c order are updated by one {@link
 * FusedPass} over their native memory, a block at a time, with no temporary arrays; a table's touched rows likewise,
 * where they lie. Other arrays (double, views, f order) take the subclass's ND4J ops ({@link #apply}).
 */
public abstract sealed class Optimizer permits AdamW, Adadelta, MomentumSgd {

    /** The weight decay of {@code train.weight_decay}. */
    protected final double weightDecay;
    private final Map<String, INDArray> first = new LinkedHashMap<>();
    private final Map<String, INDArray> second = new LinkedHashMap<>();
    private long step;

    Optimizer(double weightDecay) {
        this.weightDecay = weightDecay;
    }

    /**
     * What a training run should be told about its weight decay: with Adadelta or SGD a non-zero {@code
     * train.weight_decay} is an L2 term added to the gradient (which the optimizer then scales like the rest of the
     * gradient), not AdamW's decoupled decay, and the default, 0.01, is AdamW's. Empty for AdamW and for no decay.
     */
    public static java.util.Optional<String> weightDecayNote(OptimizerKind kind, double weightDecay) {
        if (kind == OptimizerKind.ADAMW || weightDecay == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(java.util.Locale.ROOT, "train.weight_decay %s with %s is an L2 term added"
                + " to the gradient, not AdamW's decoupled decay (its default, 0.01, is AdamW's); set train.weight_decay: 0"
                + " for none", weightDecay, kind.configName()));
    }

    /**
     * The optimizer of {@code train.optimizer} with its weight decay and constants ({@code adam_beta1} ...
     * {@code sgd_momentum}; absent, the defaults), its state empty.
     */
    public static Optimizer create(TrainConfig train) {
        double wd = train.weightDecay();
        return switch (train.optimizer()) {
            case ADAMW -> new AdamW(wd, requireNonNullElse(train.adamBeta1(), AdamW.BETA1),
                    requireNonNullElse(train.adamBeta2(), AdamW.BETA2),
                    requireNonNullElse(train.adamEpsilon(), AdamW.EPSILON));
            case ADADELTA -> new Adadelta(wd, requireNonNullElse(train.adadeltaRho(), Adadelta.RHO),
                    requireNonNullElse(train.adadeltaEpsilon(), Adadelta.EPSILON));
            case SGD -> new MomentumSgd(wd, requireNonNullElse(train.sgdMomentum(), MomentumSgd.MOMENTUM));
        };
    }

    /** The optimizer of {@code kind} with weight decay {@code weightDecay} and its default constants, its state empty. */
    public static Optimizer create(OptimizerKind kind, double weightDecay) {
        return switch (kind) {
            case ADAMW -> new AdamW(weightDecay);
            case ADADELTA -> new Adadelta(weightDecay);
            case SGD -> new MomentumSgd(weightDecay);
        };
    }

    public abstract OptimizerKind kind();

    /** How many state arrays it keeps per parameter: 1 (only {@link #firstState()}) or 2. */
    abstract int stateArrays();

    /** Called once at the start of step {@code t} (1-based), before any parameter is updated. */
    void beginStep(long t) {
    }

    /**
     * One update of {@code p} in place by ND4J ops, with its state arrays (their rows, for a table) and gradient {@code
     * g}; each op's temporary is closed as soon as it is used (left to the garbage collector, a step's temporaries,
     * several times the parameters' size, piled up to gigabytes of native memory before a collection ran).
     *
     * @param s2 the second state array; null when {@link #stateArrays()} is 1
     * @param decay whether weight decay applies to this parameter
     */
    abstract void apply(INDArray p, INDArray s1, INDArray s2, INDArray g, boolean decay, double lr);

    /**
     * The same update as {@link #apply} as one pass over float arrays, for a step at learning rate {@code lr}, with
     * blocks of at most {@code block} elements.
     */
    abstract FusedPass fused(boolean decay, double lr, int block);

    /**
     * One update of every parameter in place, with learning rate {@code lr}: dense gradients for graph weights, row
     * gradients for embedding tables. Every parameter must have exactly one of the two.
     */
    public final void update(Map<String, INDArray> params, Map<String, INDArray> grads,
                             Map<String, EmbeddingTable.RowGradient> rowGrads, double lr) {
        step++;
        beginStep(step);
        boolean two = stateArrays() == 2;
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            INDArray p = e.getValue();
            INDArray s1 = first.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape()));
            INDArray s2 = two ? second.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape())) : null;
            boolean decay = weightDecay > 0 && (name.endsWith("_w") || EmbeddingLayer.isTable(name));
            if (grads.containsKey(name)) {
                applyDense(p, s1, s2, grads.get(name).reshape(p.shape()), decay, lr);
            } else if (rowGrads.containsKey(name)) {
                EmbeddingTable.RowGradient g = rowGrads.get(name);
                if (applyRowsInPlace(p, s1, s2, g, decay, lr)) {
                    continue;
                }
                INDArray pr = Nd4j.pullRows(p, 1, g.rows());
                INDArray r1 = Nd4j.pullRows(s1, 1, g.rows());
                INDArray r2 = two ? Nd4j.pullRows(s2, 1, g.rows()) : null;
                apply(pr, r1, r2, g.values(), decay, lr);
                INDArray rows = Nd4j.createFromArray(g.rows());
                scatterAssign(p, rows, pr);
                scatterAssign(s1, rows, r1);
                if (two) {
                    scatterAssign(s2, rows, r2);
                    r2.close();
                }
                // The gathered rows are copies: once scattered back they are closed, as apply's temporaries are.
                pr.close();
                r1.close();
                rows.close();
            } else {
                throw new IllegalStateException("no gradient for parameter " + name);
            }
        }
    }

    /** One update of a dense parameter: by a {@link FusedPass} when its arrays allow one, else by {@link #apply}. */
    private void applyDense(INDArray p, INDArray s1, INDArray s2, INDArray g, boolean decay, double lr) {
        if (g.length() == p.length() && floatsInPlace(p, s1, s2, g)) {
            fused(decay, lr, (int) Math.min(FusedPass.BLOCK, p.length())).run(DirectArrays.floats(p), DirectArrays.floats(s1),
                    s2 == null ? null : DirectArrays.floats(s2), 0, DirectArrays.floats(g), 0, (int) p.length());
            return;
        }
        apply(p, s1, s2, g, decay, lr);
    }

    /**
     * The same update as {@link #apply} on the rows {@code g} names of a float table {@code p} and its state arrays,
     * made on the table's own memory by the {@link FusedPass} that dense parameters take: no rows gathered into copies
     * and scattered back (six ND4J ops and three arrays a table a step). False (nothing done) for other arrays, whose
     * rows are then gathered, updated and scattered back with ND4J ops.
     *
     * @throws IllegalArgumentException naming the row, before anything moves, when {@code g} names a row the table does
     *     not have
     */
    boolean applyRowsInPlace(INDArray p, INDArray s1, INDArray s2, EmbeddingTable.RowGradient g, boolean decay, double lr) {
        INDArray values = g.values();
        if (p.rank() != 2 || values.rank() != 2 || values.size(0) != g.rows().length || values.size(1) != p.size(1)
                || !floatsInPlace(p, s1, s2, values)) {
            return false;
        }
        int dim = (int) p.size(1);
        long vocab = p.size(0);
        for (int row : g.rows()) {
            if (row < 0 || row >= vocab) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": gradient of row " + row + " of a table of "
                        + vocab + " rows");
            }
        }
        FusedPass pass = fused(decay, lr, dim);
        FloatBuffer pb = DirectArrays.floats(p);
        FloatBuffer ab = DirectArrays.floats(s1);
        FloatBuffer bb = s2 == null ? null : DirectArrays.floats(s2);
        FloatBuffer gb = DirectArrays.floats(values);
        for (int i = 0; i < g.rows().length; i++) {
            pass.run(pb, ab, bb, g.rows()[i] * dim, gb, i * dim, dim);
        }
        return true;
    }

    /** Whether every array given (nulls skipped) is float and {@link DirectArrays} reads it in place. */
    private static boolean floatsInPlace(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && (a.dataType() != DataType.FLOAT || !DirectArrays.readable(a))) {
                return false;
            }
        }
        return true;
    }

    /**
     * An optimizer's update as one pass over the arrays' native memory, a block at a time (bulk copies in and out): no
     * temporary arrays (the ops make several of the parameter's size a step, each in fresh pages) and one pass instead
     * of about ten. Subclasses compute each element in float, as ND4J's ops on float arrays do, in a plain loop over
     * the block arrays, which the JIT compiles to vector instructions (AdamW's: 1.1-1.8 ns an element against 6.9-7.9
     * ns for the same loop in double, a throwaway timing of both, 5 rounds on a 360,000-element parameter,
     * 2026-12-07).
     */
    abstract static class FusedPass {

        /** Elements a block: four float blocks of 16 KB, within a core's first-level cache or two. */
        static final int BLOCK = 4096;

        /** The block's parameter, first state, second state (empty for one state) and gradient elements. */
        final float[] p;
        final float[] a;
        final float[] b;
        final float[] g;
        /** The step's learning rate. */
        final float rate;
        /** The weight decay for this parameter: the optimizer's, or 0 where it does not apply. */
        final float wd;

        /**
         * @param weightDecay the optimizer's weight decay, applied when {@code decay}
         */
        FusedPass(int block, boolean twoStates, double lr, boolean decay, double weightDecay) {
            rate = (float) lr;
            wd = decay ? (float) weightDecay : 0f;
            p = new float[block];
            a = new float[block];
            b = new float[twoStates ? block : 0];
            g = new float[block];
        }

        /** Updates the first {@code len} elements of the block arrays in place. */
        abstract void update(int len);

        /**
         * Updates {@code n} elements of the parameter and its states from {@code at}, with the gradient's elements from
         * {@code gradientAt}.
         *
         * @param s2 the second state; null for a one-state optimizer
         */
        final void run(FloatBuffer param, FloatBuffer s1, FloatBuffer s2, int at, FloatBuffer grad, int gradientAt, int n) {
            for (int done = 0; done < n; done += p.length) {
                int len = Math.min(p.length, n - done);
                int from = at + done;
                param.get(from, p, 0, len);
                s1.get(from, a, 0, len);
                if (s2 != null) {
                    s2.get(from, b, 0, len);
                }
                grad.get(gradientAt + done, g, 0, len);
                update(len);
                param.put(from, p, 0, len);
                s1.put(from, a, 0, len);
                if (s2 != null) {
                    s2.put(from, b, 0, len);
                }
            }
        }
    }

    /** {@code target[rows[i]] = values[i]}, in place. */
    private static void scatterAssign(INDArray target, INDArray rows, INDArray values) {
        Nd4j.exec(DynamicCustomOp.builder("scatter_upd").addInputs(target, rows, values).addOutputs(target).build());
    }

    /** {@code g + wd p} when {@code decay} (weight decay as an L2 term of the loss), else {@code g} itself. */
    static INDArray withL2(INDArray g, INDArray p, boolean decay, double weightDecay) {
        return decay ? p.mul(weightDecay).addi(g) : g;
    }

    /** Updates made so far. */
    public long step() {
        return step;
    }

    /** The first state array by parameter name (AdamW's first moments), for checkpoints. */
    public Map<String, INDArray> firstState() {
        return first;
    }

    /** The second state array by parameter name (AdamW's second moments); empty for a one-array optimizer. */
    public Map<String, INDArray> secondState() {
        return second;
    }

    /** Restores the state saved from {@link #firstState()}, {@link #secondState()} and {@link #step()}. */
    public void restore(Map<String, INDArray> firstArrays, Map<String, INDArray> secondArrays, long steps) {
        first.clear();
        first.putAll(firstArrays);
        second.clear();
        second.putAll(secondArrays);
        step = steps;
    }

    /**
     * Restores the state of {@code saved}, read from the checkpoint {@code where}; it must be of the same kind.
     *
     * @throws KdException naming the checkpoint and both optimizers when they differ
     */
    public void restoreFrom(Optimizer saved, Object where) {
        if (saved.kind() != kind()) {
            throw new KdException(where + ": the checkpoint was trained with optimizer " + saved.kind().configName()
                    + ", this run's train.optimizer is " + kind().configName() + "; expected the same optimizer to resume:"
                    + " set train.optimizer back, or start over without --resume");
        }
        restore(saved.firstState(), saved.secondState(), saved.step());
    }
}
