package org.kd4j.distill.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.DataConfig;
import org.kd4j.config.DistillConfig;
import org.kd4j.config.TrainConfig;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.batch.PaddingMode;
import org.kd4j.distill.loss.TemperatureSchedule;
import org.kd4j.eval.Evaluation;
import org.kd4j.model.InputDropout;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Parallelism;

/**
 * Trains one model: a teacher (no teacher logits: cross-entropy on gold labels only) or a student (the cached logits of
 * its teachers, combined per batch by the ensemble, in the distillation loss; see {@link LossTargets}).
 *
 * <p>{@link #fit} is the loop and nothing else: batches in a seeded, bucketed order; each a {@link TrainingStep}
 * (gradients from the data-parallel {@link GradientEngine}, clipping, the config's optimizer with linear warm-up and decay); after each
 * epoch the dev set's metrics. What happens around it is a {@link TrainingListener}: {@link Checkpoints} (every N steps
 * and at each epoch end, so that a resumed run ends exactly where an uninterrupted one does), {@link BestWeights}
 * ({@value #BEST_MODEL} in the work folder, put back at the end), {@link EarlyStopping}, progress, and the
 * {@link TrainingCurve}. A non-finite loss stops the run, naming the step.
 *
 * <pre>{@code
 * TrainResult r = Trainer.builder("student", model, train, dev).workDir(dir).padId(0)
 *         .teachers(logits, distillConfig).training(trainConfig).data(dataConfig)
 *         .parallelism(Parallelism.defaults()).progress(Progress.off()).build().fit(false);
 * }</pre>
 */
public final class Trainer {

    private static final Logger LOG = LogManager.getLogger(Trainer.class);
    public static final String BEST_MODEL = "best.kdm";

    /** A copy of the builder's settings (a builder used again does not change this trainer). */
    private final Builder setup;
    private final LossTargets targets;

    private Trainer(Builder b) {
        this.setup = b.copy();
        this.targets = new LossTargets(b.name, b.teacherLogits, b.teacherFeatures, b.layerTeacher, b.distill,
                b.train.task().isRegression(), b.model.outputs(), b.train.size(), b.training.seed());
    }

    /** A trainer of {@code model} on {@code train}, scored on {@code dev} after each epoch; the rest has defaults. */
    public static Builder builder(String name, TextClassifier model, EncodedDataset train, EncodedDataset dev) {
        return new Builder(name, model, train, dev);
    }

    /** A finished training run: the best epoch's dev evaluation, where training stopped, its time and its curve. */
    public record TrainResult(Evaluation best, int bestEpoch, TrainingState state, double seconds, double examplesPerSecond,
                              TrainingCurve curve, TrainingPhases phases) {}

    /**
     * Trains (or, with {@code resume}, continues from the last checkpoint in the work folder) and leaves the best
     * weights in the model.
     */
    public TrainResult fit(boolean resume) {
        TextClassifier model = setup.model;
        TrainConfig config = setup.training;
        DataConfig data = setup.data;
        // the plan: the same batches in the same order in every process, so that a resumed run repeats the rest exactly
        BatchPlanner planner = new BatchPlanner(data.batchSize(), data.bucketing(), data.bucketBatches(), config.seed());
        int[] lengths = setup.train.lengths();
        int stepsPerEpoch = planner.trainingOrder(lengths, 0).size();
        long totalSteps = (long) stepsPerEpoch * config.epochs();
        LearningRateSchedule lr = new LearningRateSchedule(config.learningRate(),
                Math.round(config.warmupFraction() * totalSteps), totalSteps);
        TemperatureSchedule temperature = TemperatureSchedule.linear(setup.distill.temperature(), setup.distill.temperatureEnd(),
                totalSteps);
        int padTo = data.padding() == PaddingMode.FIXED ? data.maxLength() : 0;
        Optimizer optimizer = Optimizer.create(config);
        Optimizer.weightDecayNote(config.optimizer(), config.weightDecay()).ifPresent(note -> LOG.warn("{}: {}", setup.name, note));

        TrainingState state = TrainingState.start();
        Checkpoint.Loaded loaded = null;
        if (resume && Checkpoint.exists(setup.workDir)) {
            loaded = Checkpoint.load(setup.workDir);
            loaded.restoreInto(model);
            optimizer.restoreFrom(loaded.optimizerState(), Checkpoint.folder(setup.workDir));
            state = loaded.state();
            LOG.info("{}: resuming at epoch {}, batch {} (step {})", setup.name, state.epoch() + 1, state.batchInEpoch(), state.step());
        } else {
            centreRegressionHead(setup.name, model, setup.train);
        }

        // the listeners, in the order they hear of each step and epoch: the best weights are on disk before the
        // checkpoint that names their epoch, and the caller's listeners come last
        BestWeights best = new BestWeights(model, setup.workDir);
        ProgressListener progress = new ProgressListener(setup.progress);
        CurveRecorder curve = new CurveRecorder();
        List<TrainingListener> listeners = new ArrayList<>(List.of(best,
                new Checkpoints(setup.workDir, model, targets::lossParameters, optimizer, config.checkpointEverySteps()), new EarlyStopping(config.earlyStoppingPatience()),
                progress, curve));
        listeners.addAll(setup.listeners);
        TrainingListener.Run run = new TrainingListener.Run(setup.name, stepsPerEpoch, totalSteps,
                org.kd4j.eval.Metric.mainFor(setup.dev.task()).key());
        for (TrainingListener l : listeners) {
            l.onTrainingBegin(run, state);
        }

        long started = System.nanoTime();
        long examplesSeen = 0;
        TrainingPhases phases;
        try (GradientEngine engine = new GradientEngine(setup.name, model, targets, setup.train, setup.padId, setup.parallelism,
                setup.poolStepArrays, 1.0, new InputDropout(setup.dropout, config.seed()))) {
            if (loaded != null) {
                loaded.restoreLossInto(engine.lossParameters()); // the loss' projections exist once the engine added the loss
            }
            TrainingStep step = new TrainingStep(model, engine, optimizer, config.clipNorm());
            phases = engine.phases();
            epochs:
            for (int epoch = state.epoch(); epoch < config.epochs(); epoch++) {
                List<int[]> batches = planner.trainingOrder(lengths, epoch);
                for (int b = state.batchInEpoch(); b < batches.size(); b++) {
                    long t = System.nanoTime();
                    Batch batch = Batch.of(setup.train, batches.get(b), padTo, setup.padId);
                    phases.since(TrainingPhases.Phase.BATCHES, t);
                    double loss = step.run(batch, lr.at(state.step()), temperature.at(state.step()), state.step());
                    if (!Double.isFinite(loss)) {
                        throw nonFiniteLoss(loss, state.step() + 1);
                    }
                    examplesSeen += batch.size();
                    state = state.afterStep(epoch, b + 1);
                    t = System.nanoTime();
                    for (TrainingListener l : listeners) {
                        l.onStepEnd(state, batch.size(), loss);
                    }
                    phases.since(TrainingPhases.Phase.LISTENERS, t);
                }
                long t = System.nanoTime();
                Evaluation dev = evaluate();
                t = phases.since(TrainingPhases.Phase.EVALUATION, t);
                state = state.afterEpoch(epoch, dev.main());
                boolean improved = state.bestEpoch() == epoch;
                for (TrainingListener l : listeners) {
                    l.onEpochEnd(state, dev, improved);
                }
                phases.since(TrainingPhases.Phase.LISTENERS, t);
                LOG.info("{}: epoch {}/{} dev {}{}", setup.name, epoch + 1, config.epochs(), dev, improved ? " (best)" : "");
                for (TrainingListener l : listeners) {
                    if (l.stopAfterEpoch(state)) {
                        break epochs;
                    }
                }
            }
            for (TrainingListener l : listeners) {
                l.onTrainingEnd(state);
            }
        } finally {
            progress.close(); // the engine's step arrays and threads are freed by its close, now rather than at a collection
        }
        long t = System.nanoTime();
        Evaluation bestEvaluation = best.restore();
        t = phases.since(TrainingPhases.Phase.LISTENERS, t);
        if (bestEvaluation == null) {
            bestEvaluation = evaluate(); // the best epoch was evaluated before a resume
            phases.since(TrainingPhases.Phase.EVALUATION, t);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        LOG.info("{}: time by phase, {}", setup.name, phases.summary(seconds));
        return new TrainResult(bestEvaluation, state.bestEpoch(), state, seconds, examplesSeen / Math.max(1e-9, seconds),
                curve.curve(), phases);
    }

    /**
     * On a regression task, starts a fresh head at the mean of the training rows' gold scores
     * ({@link TextClassifier#centreRegressionHead}); rows without a score (transfer rows) are left out.
     */
    static void centreRegressionHead(String name, TextClassifier model, EncodedDataset train) {
        if (!train.task().isRegression() || train.scores() == null) {
            return;
        }
        double sum = 0;
        int n = 0;
        for (double y : train.scores()) {
            if (Double.isFinite(y)) {
                sum += y;
                n++;
            }
        }
        if (n > 0 && model.centreRegressionHead(sum / n)) {
            LOG.info("{}: regression head starts at the training scores' mean {}", name, String.format(java.util.Locale.ROOT, "%.4f", sum / n));
        }
    }

    private KdException nonFiniteLoss(double loss, long step) {
        Path work = setup.workDir;
        return new KdException(setup.name + ": loss is " + loss + " at step " + step + "; stopped without updating."
                + (Checkpoint.exists(work) ? " The last good checkpoint is in " + Checkpoint.folder(work)
                + " (--resume continues from it)." : " No checkpoint was written yet.")
                + " Try a lower learning rate or gradient clipping.");
    }

    /** The task's metrics of the model's current weights on the dev set. */
    public Evaluation evaluate() {
        float[][] logits = setup.model.logits(setup.dev, Math.max(32, setup.data.batchSize()), setup.padId, setup.parallelism);
        return Evaluation.of(setup.dev.task(), logits, setup.dev.labels(), setup.dev.scores());
    }

    /** What a {@link Trainer} trains, on what, and how; everything but the model and its data has a default. */
    public static final class Builder {
        private final String name;
        private final TextClassifier model;
        private final EncodedDataset train;
        private final EncodedDataset dev;
        private float[][][] teacherLogits;
        private float[][][] teacherFeatures;
        private TextClassifier layerTeacher;
        private DistillConfig distill = DistillConfig.defaults();
        private TrainConfig training = TrainConfig.defaults();
        private DataConfig data = DataConfig.defaults();
        private int padId;
        private Path workDir;
        private Parallelism parallelism = Parallelism.defaults();
        private boolean poolStepArrays = true;
        private double dropout;
        private Progress progress = Progress.off();
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder(String name, TextClassifier model, EncodedDataset train, EncodedDataset dev) {
            this.name = Objects.requireNonNull(name, "name");
            this.model = Objects.requireNonNull(model, "model");
            this.train = Objects.requireNonNull(train, "train");
            this.dev = Objects.requireNonNull(dev, "dev");
        }

        /**
         * Distils from teachers: their logits on the training set, {@code [teachers][train examples][outputs]}, combined
         * and weighted as {@code distill} says. Without: cross-entropy on the gold labels alone.
         */
        public Builder teachers(float[][][] logits, DistillConfig distill) {
            this.teacherLogits = logits;
            this.distill = Objects.requireNonNull(distill, "distill");
            return this;
        }

        /**
         * The teachers' pooled representations of the training set, {@code [teachers][train examples][pooled width]}, in
         * the order of {@link #teachers}: the targets of the hidden loss when {@code distill.hidden_weight > 0}.
         */
        public Builder teacherFeatures(float[][][] features) {
            this.teacherFeatures = features;
            return this;
        }

        /**
         * The teacher {@code distill.layers} names (a transformer on kd4j's own graph, sharing the student's tokenizer):
         * run on every batch for the intermediate-layer loss.
         */
        public Builder layerTeacher(TextClassifier teacher) {
            this.layerTeacher = teacher;
            return this;
        }

        /** Epochs, learning rate, warm-up, weight decay, clipping, seed, checkpoints, early stopping. */
        public Builder training(TrainConfig config) {
            this.training = Objects.requireNonNull(config, "training");
            return this;
        }

        /** Batch size, bucketing, padding. */
        public Builder data(DataConfig config) {
            this.data = Objects.requireNonNull(config, "data");
            return this;
        }

        /** The tokenizer's padding id. */
        public Builder padId(int padId) {
            this.padId = padId;
            return this;
        }

        /** Where checkpoints and {@value Trainer#BEST_MODEL} go (required). */
        public Builder workDir(Path dir) {
            this.workDir = Objects.requireNonNull(dir, "workDir");
            return this;
        }

        /** Workers and micro-batches (default {@link Parallelism#defaults()}). */
        public Builder parallelism(Parallelism parallelism) {
            this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
            return this;
        }

        /** Each worker's step arrays in a step pool (default); off only to compare (see the README's "Measured"). */
        public Builder poolStepArrays(boolean pool) {
            this.poolStepArrays = pool;
            return this;
        }

        /**
         * Dropout on the summed embeddings the model reads while it trains ({@link InputDropout}; its masks seeded by the
         * training seed and step); default 0, none.
         *
         * @throws IllegalArgumentException when {@code rate} is outside [0, 0.9]
         */
        public Builder dropout(double rate) {
            new InputDropout(rate, 0); // validates
            this.dropout = rate;
            return this;
        }

        /** How the training's progress shows (default {@link Progress#off()}). */
        public Builder progress(Progress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** A listener told of each step and epoch after the built-in ones. */
        public Builder listener(TrainingListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        private Builder copy() {
            Builder c = new Builder(name, model, train, dev);
            c.teacherLogits = teacherLogits;
            c.teacherFeatures = teacherFeatures;
            c.layerTeacher = layerTeacher;
            c.distill = distill;
            c.training = training;
            c.data = data;
            c.padId = padId;
            c.workDir = workDir;
            c.parallelism = parallelism;
            c.poolStepArrays = poolStepArrays;
            c.dropout = dropout;
            c.progress = progress;
            c.listeners.addAll(listeners);
            return c;
        }

        /** The trainer; the training set must not be empty and teacher logits must cover it. */
        public Trainer build() {
            if (workDir == null) {
                throw new IllegalStateException(name + ": no work folder given (workDir)");
            }
            if (train.size() == 0) {
                throw new KdException(name + ": the training set is empty");
            }
            return new Trainer(this);
        }
    }
}
