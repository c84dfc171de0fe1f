package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kd4j.KdException;
import org.kd4j.config.DataConfig;
import org.kd4j.config.DistillConfig;
import org.kd4j.config.OptimizerKind;
import org.kd4j.config.TrainConfig;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.batch.PaddingMode;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Parallelism;
import org.nd4j.linalg.api.ndarray.INDArray;

class TrainerTest {

    private static final EncodedDataset TRAIN = SyntheticTask.make(256, 1);
    private static final EncodedDataset DEV = SyntheticTask.make(96, 2);
    private static final ModelConfig TINY = ModelConfig.of(ModelType.TRANSFORMER, 1, 16, 2, 32, 64, Pooling.MEAN);
    private static final DataConfig DATA = new DataConfig("datasets", 32, 16, PaddingMode.DYNAMIC, true, 4, 7, OnBadRow.FAIL, 0, "");
    private static final TrainConfig TRAINING = new TrainConfig(4, 3e-3, 0.01, 0.1, 1.0, 11, 5, 0);

    @TempDir Path dir;

    private Trainer trainer(String name, TextClassifier model, float[][][] teachers, TrainConfig config, Path work,
                            TrainingListener... listeners) {
        Trainer.Builder b = Trainer.builder(name, model, TRAIN, DEV).teachers(teachers, DistillConfig.defaults()).training(config)
                .data(DATA).padId(SyntheticTask.TOKENIZER.padId()).workDir(work).parallelism(Parallelism.sequential());
        for (TrainingListener l : listeners) {
            b.listener(l);
        }
        return b.build();
    }

    /** Thrown right after a given step, as a crash would. */
    static final class Interrupted extends RuntimeException {
        Interrupted(long step) {
            super("interrupted after step " + step, null, false, false);
        }
    }

    /** A listener that stops the process after {@code step}, after the step's checkpoint (if one is due) is written. */
    private static TrainingListener interruptAfterStep(long step) {
        return new TrainingListener() {
            @Override
            public void onStepEnd(TrainingState state, int batchExamples, double loss) {
                if (state.step() == step) {
                    throw new Interrupted(step);
                }
            }
        };
    }

    private static String listing(Path folder) {
        try (var files = Files.list(folder)) {
            return files.map(Path::toString).toList().toString();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static TextClassifier tiny(ModelConfig config) {
        return TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), 2, 5);
    }

    /**
     * The phases a run recorded: every step's parts and each epoch's evaluation took time, the calling thread's phases
     * together no more than the run's wall time, and with one worker its phases add up to the batches' forward and
     * backward; a BiLSTM's layer runs outside the graph, so its forward and backward took time.
     */
    private static void assertPhasesAccountFor(String name, Trainer.TrainResult r, boolean recurrent) {
        TrainingPhases p = r.phases();
        for (TrainingPhases.Phase phase : List.of(TrainingPhases.Phase.GRADIENTS, TrainingPhases.Phase.OPTIMIZER,
                TrainingPhases.Phase.EVALUATION, TrainingPhases.Phase.GRAPH, TrainingPhases.Phase.FEED)) {
            assertTrue(p.seconds(phase) > 0, name + ": no time in " + phase + ": " + p.summary(r.seconds()));
        }
        double caller = 0;
        for (TrainingPhases.Phase phase : TrainingPhases.Phase.values()) {
            caller += phase.onCaller() ? p.seconds(phase) : 0;
        }
        assertTrue(caller <= r.seconds(), name + ": phases " + caller + " s in a run of " + r.seconds() + " s");
        double workers = p.seconds(TrainingPhases.Phase.FEED) + p.seconds(TrainingPhases.Phase.GRAPH)
                + p.seconds(TrainingPhases.Phase.INPUTS_BACKWARD);
        assertTrue(workers <= p.seconds(TrainingPhases.Phase.GRADIENTS), name + ": " + p.summary(r.seconds()));
        assertTrue(workers >= 0.5 * p.seconds(TrainingPhases.Phase.GRADIENTS), name + ": " + p.summary(r.seconds()));
        assertEquals(recurrent, p.seconds(TrainingPhases.Phase.INPUTS_BACKWARD) > 0.01 * p.seconds(TrainingPhases.Phase.GRAPH),
                name + ": " + p.summary(r.seconds()));
    }

    @Test
    void teacherLearnsTheTaskAndStudentsDistilFromIt() {
        TextClassifier teacher = tiny(TINY);
        Trainer.TrainResult result = trainer("teacher", teacher, null, TRAINING, dir.resolve("t")).fit(false);
        assertTrue(result.best().main() >= 0.9, "teacher dev accuracy " + result.best());
        assertTrue(Files.isRegularFile(dir.resolve("t").resolve(Trainer.BEST_MODEL)), () -> listing(dir.resolve("t")));

        float[][][] logits = {teacher.logits(TRAIN, 64, SyntheticTask.TOKENIZER.padId())};
        for (ModelConfig shape : List.of(ModelConfig.of(ModelType.CNN, 1, 16, 1, 16, 64, Pooling.MEAN),
                ModelConfig.of(ModelType.BILSTM, 1, 16, 1, 16, 64, Pooling.MEAN), new org.kd4j.model.BiLstmConfig(16, 16, 0, 2))) {
            TextClassifier student = tiny(shape);
            TrainConfig faster = new TrainConfig(4, 1e-2, 0.01, 0.1, 1.0, 11, 0, 0);
            String name = shape.type() + (shape instanceof org.kd4j.model.BiLstmConfig b ? "-" + b.layers() : "");
            Trainer.TrainResult distilled = trainer("student-" + name, student, logits, faster, dir.resolve("s" + name)).fit(false);
            assertTrue(distilled.best().main() >= 0.85, name + " student dev accuracy " + distilled.best());
            assertPhasesAccountFor(name, distilled, shape.type() == ModelType.BILSTM);
        }
    }

    @Test
    void resumedRunEndsExactlyWhereAnUninterruptedOneDoes() {
        TrainConfig config = new TrainConfig(2, 3e-3, 0.01, 0.1, 1.0, 11, 3, 0);
        TextClassifier straight = tiny(TINY);
        Trainer.TrainResult a = trainer("a", straight, null, config, dir.resolve("a")).fit(false);

        Path work = dir.resolve("b");
        // mid-epoch 2 (16 batches per epoch); last checkpoint at step 18
        Trainer first = trainer("b", tiny(TINY), null, config, work, interruptAfterStep(20));
        assertThrows(Interrupted.class, () -> first.fit(false));
        assertTrue(Checkpoint.exists(work));

        TextClassifier resumedModel = tiny(TINY); // a fresh process would rebuild the model from the config
        Trainer.TrainResult b = trainer("b", resumedModel, null, config, work).fit(true);
        assertEquals(a.best().metrics(), b.best().metrics());
        assertEquals(a.state().step(), b.state().step());
        Map<String, INDArray> pa = straight.parameters();
        Map<String, INDArray> pb = resumedModel.parameters();
        for (String name : pa.keySet()) {
            assertEquals(0.0, pa.get(name).sub(pb.get(name)).amaxNumber().doubleValue(), 1e-6, name);
        }
    }

    /** Adadelta's and SGD's state is checkpointed as AdamW's is: a resumed run ends where an uninterrupted one does. */
    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = {"ADADELTA", "SGD"})
    void aRunWithAnotherOptimizerResumesExactly(OptimizerKind kind) {
        TrainConfig config = new TrainConfig(2, kind == OptimizerKind.ADADELTA ? 1.0 : 3e-2, 0.01, 0.1, 1.0, 11, 3, 0)
                .withOptimizer(kind);
        TextClassifier straight = tiny(TINY);
        Trainer.TrainResult a = trainer("a", straight, null, config, dir.resolve("a")).fit(false);
        Path work = dir.resolve("b");
        Trainer first = trainer("b", tiny(TINY), null, config, work, interruptAfterStep(20));
        assertThrows(Interrupted.class, () -> first.fit(false));
        TextClassifier resumedModel = tiny(TINY);
        Trainer.TrainResult b = trainer("b", resumedModel, null, config, work).fit(true);
        assertEquals(a.best().metrics(), b.best().metrics());
        Map<String, INDArray> pa = straight.parameters();
        Map<String, INDArray> pb = resumedModel.parameters();
        for (String name : pa.keySet()) {
            assertEquals(0.0, pa.get(name).sub(pb.get(name)).amaxNumber().doubleValue(), 1e-6, name);
        }
        // and the run trained: its weights moved away from the initial ones
        Map<String, INDArray> initial = tiny(TINY).parameters();
        double moved = pa.keySet().stream().mapToDouble(n -> pa.get(n).sub(initial.get(n)).amaxNumber().doubleValue())
                .max().orElse(0);
        assertTrue(moved > 1e-3, kind + " moved the weights by at most " + moved);
    }

    @Test
    void resumingWithAnotherOptimizerIsRefusedNamingTheCheckpoint() {
        TrainConfig adadelta = new TrainConfig(2, 1.0, 0.01, 0.1, 1.0, 11, 3, 0).withOptimizer(OptimizerKind.ADADELTA);
        Path work = dir.resolve("w");
        Trainer first = trainer("w", tiny(TINY), null, adadelta, work, interruptAfterStep(4));
        assertThrows(Interrupted.class, () -> first.fit(false));
        KdException e = assertThrows(KdException.class,
                () -> trainer("w", tiny(TINY), null, adadelta.withOptimizer(OptimizerKind.ADAMW), work).fit(true));
        assertTrue(e.getMessage().startsWith(Checkpoint.folder(work) + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("optimizer adadelta, this run's train.optimizer is adamw"), e.getMessage());
    }

    /**
     * Each optimizer at its usual rate (AdamW 3e-3, Adadelta 1.0, SGD 0.1; no weight decay) trains the tiny transformer
     * to 90% on the synthetic task in 8 epochs of 8 steps. (Adadelta's first steps are small, about sqrt(1e-6 / 0.05),
     * whatever the gradient: in 4 epochs it reached 80%.)
     */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void eachOptimizerTrainsATransformer(OptimizerKind kind) {
        double rate = switch (kind) {
            case ADAMW -> 3e-3;
            case ADADELTA -> 1.0;
            case SGD -> 0.1;
        };
        TrainConfig config = new TrainConfig(8, rate, 0.0, 0.1, 1.0, 11, 0, 0).withOptimizer(kind);
        Trainer.TrainResult result = trainer("t-" + kind, tiny(TINY), null, config, dir.resolve("t")).fit(false);
        assertTrue(result.best().main() >= 0.9, kind + ": dev accuracy " + result.best());
    }

    /**
     * Dropout's masks are drawn from the seed and the step: a run with dropout interrupted and resumed ends with the
     * weights of an uninterrupted one, and those differ from the same run's without dropout.
     */
    @Test
    void aRunWithDropoutResumesExactlyAndDiffersFromOneWithout() {
        TrainConfig config = new TrainConfig(2, 3e-3, 0.01, 0.1, 1.0, 11, 3, 0);
        ModelConfig bilstm = ModelConfig.of(ModelType.BILSTM, 1, 16, 1, 16, 64, Pooling.MEAN);
        java.util.function.BiFunction<TextClassifier, Path, Trainer.Builder> builder = (model, work) ->
                Trainer.builder("d", model, TRAIN, DEV).training(config).data(DATA).padId(SyntheticTask.TOKENIZER.padId())
                        .workDir(work).parallelism(Parallelism.sequential());
        TextClassifier straight = tiny(bilstm);
        Trainer.TrainResult a = builder.apply(straight, dir.resolve("a")).dropout(0.3).build().fit(false);

        Path work = dir.resolve("b");
        Trainer first = builder.apply(tiny(bilstm), work).dropout(0.3).listener(interruptAfterStep(20)).build();
        assertThrows(Interrupted.class, () -> first.fit(false));
        TextClassifier resumed = tiny(bilstm);
        Trainer.TrainResult b = builder.apply(resumed, work).dropout(0.3).build().fit(true);
        assertEquals(a.best().metrics(), b.best().metrics());
        TextClassifier without = tiny(bilstm);
        builder.apply(without, dir.resolve("c")).build().fit(false);
        Map<String, INDArray> pa = straight.parameters();
        Map<String, INDArray> pb = resumed.parameters();
        Map<String, INDArray> pc = without.parameters();
        double fromWithout = 0;
        for (String name : pa.keySet()) {
            assertEquals(0.0, pa.get(name).sub(pb.get(name)).amaxNumber().doubleValue(), 1e-6, name);
            fromWithout = Math.max(fromWithout, pa.get(name).sub(pc.get(name)).amaxNumber().doubleValue());
        }
        assertTrue(fromWithout > 1e-3, "dropout changed no weight: " + fromWithout);
        assertThrows(IllegalArgumentException.class, () -> builder.apply(tiny(bilstm), dir.resolve("e")).dropout(1.0));
    }

    @Test
    void theTrainingCurveHoldsEveryStepsLossAndEveryEpochsDevScore() {
        TrainConfig config = new TrainConfig(2, 3e-3, 0.01, 0.1, 1.0, 11, 3, 0);
        Trainer.TrainResult r = trainer("curve", tiny(TINY), null, config, dir.resolve("c")).fit(false);
        TrainingCurve curve = r.curve();
        assertEquals("curve", curve.model());
        assertEquals("accuracy", curve.devMetric());
        java.util.List<TrainingCurve.Point> losses = curve.series(TrainingCurve.Series.TRAIN_LOSS);
        assertEquals(r.state().step(), losses.size());
        assertEquals(curve.stepsPerEpoch() * 2L, losses.size());
        for (int i = 0; i < losses.size(); i++) {
            assertEquals(i + 1, losses.get(i).step());
            assertEquals(i < curve.stepsPerEpoch() ? 1 : 2, losses.get(i).epoch());
            assertTrue(Double.isFinite(losses.get(i).value()) && losses.get(i).value() > 0);
        }
        assertEquals(r.state().devScores(), curve.series(TrainingCurve.Series.DEV_METRIC).stream()
                .map(TrainingCurve.Point::value).toList());
        java.util.List<TrainingCurve.Point> epochLoss = curve.series(TrainingCurve.Series.EPOCH_TRAIN_LOSS);
        assertEquals(2, epochLoss.size());
        double firstEpochMean = losses.subList(0, curve.stepsPerEpoch()).stream().mapToDouble(TrainingCurve.Point::value)
                .average().orElseThrow();
        assertEquals(firstEpochMean, epochLoss.get(0).value(), 1e-12);
        assertTrue(epochLoss.get(1).value() < epochLoss.get(0).value(), epochLoss.toString());
    }

    @Test
    void earlyStoppingEndsTheRunAfterPatienceEpochsWithoutProgress() {
        // a learning rate too small to change any prediction: epoch 2 cannot beat epoch 1, patience 1 stops there
        TrainConfig stalled = new TrainConfig(5, 1e-8, 0.0, 0.0, 1.0, 11, 0, 1);
        Trainer.TrainResult result = trainer("stalled", tiny(TINY), null, stalled, dir.resolve("e")).fit(false);
        assertEquals(2, result.state().devScores().size(), result.state().toString());
        assertEquals(0, result.bestEpoch());
    }

    @Test
    void nonFiniteLossStopsNamingTheStep() {
        TextClassifier model = tiny(TINY);
        // a diverged weight (M2.1's layer_norm turns NaN inputs into finite outputs, so poison the head)
        model.parameters().get("classifier_b").putScalar(0, Double.NaN);
        KdException e = assertThrows(KdException.class,
                () -> trainer("nan", model, null, TRAINING, dir.resolve("n")).fit(false));
        assertTrue(e.getMessage().contains("loss is NaN at step 1"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("n").resolve(Trainer.BEST_MODEL)), "nothing kept as a finished result");
    }

    @Test
    void teacherLogitsOfTheWrongShapeAreRejectedBeforeTraining() {
        float[][][] wrong = {new float[TRAIN.size()][3]};
        KdException e = assertThrows(KdException.class, () -> trainer("s", tiny(TINY), wrong, TRAINING, dir.resolve("w")));
        assertTrue(e.getMessage().contains("expected 256 x 2"), e.getMessage());
    }

    /** {@link #TRAIN}'s sentences as an STS-B-like regression set: scores 1 and 4 by class (mean 2.5), one unscored row. */
    private static EncodedDataset regression(EncodedDataset from) {
        double[] scores = new double[from.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = from.labels()[i] == 1 ? 4.0 : 1.0;
        }
        return new EncodedDataset(GlueTask.STSB, from.encodings(), from.labels(), scores, from.maxLength());
    }

    private static double headBias(TextClassifier model) {
        return model.sd().getVariable(ClassifierGraph.HEAD_BIAS).getArr().getDouble(0);
    }

    @Test
    void aFreshRegressionHeadStartsAtTheTrainingScoresMean() {
        EncodedDataset train = regression(TRAIN);
        double[] scores = train.scores().clone();
        scores[0] = Double.NaN; // a transfer row without a gold score is left out of the mean
        EncodedDataset withUnscored = new EncodedDataset(GlueTask.STSB, train.encodings(), train.labels(), scores, train.maxLength());
        double sum = 0;
        for (int i = 1; i < scores.length; i++) {
            sum += scores[i];
        }
        TextClassifier model = TextClassifier.create(TINY, SyntheticTask.TOKENIZER.vocabSize(), 1, 5);
        assertEquals(0.0, headBias(model));
        Trainer.centreRegressionHead("t", model, withUnscored);
        assertEquals(sum / (scores.length - 1), headBias(model), 1e-6);
        // a head already trained (non-zero bias) is left as it is
        model.sd().getVariable(ClassifierGraph.HEAD_BIAS).getArr().assign(0.75);
        Trainer.centreRegressionHead("t", model, withUnscored);
        assertEquals(0.75, headBias(model), 1e-9);
        // a classifier's head is not touched, even on a regression set's rows
        TextClassifier classifier = tiny(TINY);
        assertFalse(classifier.centreRegressionHead(2.5));
        assertEquals(0.0, classifier.sd().getVariable(ClassifierGraph.HEAD_BIAS).getArr().sumNumber().doubleValue());
        assertThrows(IllegalArgumentException.class, () -> TextClassifier.create(TINY, SyntheticTask.TOKENIZER.vocabSize(), 1, 5)
                .centreRegressionHead(Double.NaN));
    }

    @Test
    void regressionTrainingStartsItsHeadAtTheMeanAndLearns() {
        EncodedDataset train = regression(TRAIN);
        EncodedDataset dev = regression(DEV);
        TextClassifier model = TextClassifier.create(TINY, SyntheticTask.TOKENIZER.vocabSize(), 1, 5);
        TrainConfig twoEpochs = new TrainConfig(2, 3e-3, 0.01, 0.1, 1.0, 11, 5, 0);
        Trainer.TrainResult r = Trainer.builder("r", model, train, dev).training(twoEpochs).data(DATA)
                .padId(SyntheticTask.TOKENIZER.padId()).workDir(dir.resolve("r")).parallelism(Parallelism.sequential())
                .build().fit(false);
        double mean = java.util.Arrays.stream(train.scores()).average().orElseThrow();
        // 16 steps of AdamW at <= 3e-3 move the bias by < 0.05: it started at the training mean (1 to 4), not at 0
        assertEquals(mean, headBias(model), 0.05);
        assertTrue(mean > 1.0, "mean " + mean);
        assertTrue(r.best().main() > 0.5, "dev pearson " + r.best());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Pooling.class)
    void aRegressionHeadLearnsOnEveryPooling(Pooling pooling) {
        EncodedDataset train = regression(TRAIN);
        EncodedDataset dev = regression(DEV);
        ModelConfig config = ModelConfig.of(ModelType.TRANSFORMER, 1, 16, 2, 32, 64, pooling);
        TextClassifier model = TextClassifier.create(config, SyntheticTask.TOKENIZER.vocabSize(), 1, 5);
        Trainer.TrainResult r = Trainer.builder("r", model, train, dev).training(new TrainConfig(2, 3e-3, 0.01, 0.1, 1.0, 11, 5, 0))
                .data(DATA).padId(SyntheticTask.TOKENIZER.padId()).workDir(dir.resolve("p-" + pooling)).parallelism(Parallelism.sequential())
                .build().fit(false);
        assertTrue(r.best().main() > 0.5, pooling + ": dev pearson " + r.best());
    }
}
