package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.config.DataConfig;
import org.kd4j.config.DistillConfig;
import org.kd4j.config.SoftLoss;
import org.kd4j.config.TrainConfig;
import org.kd4j.config.WeightingScheme;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.batch.PaddingMode;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.distill.loss.HiddenLoss;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Parallelism;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The hidden loss' projections ({@code kd_hidden_proj*}, variables of the loss, not of the model) are saved in the
 * training checkpoint and restored by {@code --resume}: a run with the hidden loss interrupted mid-epoch and resumed ends
 * exactly where an uninterrupted one does. Before, they restarted from their initial values on resume.
 */
class LossParametersResumeTest {

    private static final EncodedDataset TRAIN = SyntheticTask.make(128, 1);
    private static final EncodedDataset DEV = SyntheticTask.make(32, 2);
    private static final ModelConfig TINY = ModelConfig.of(ModelType.TRANSFORMER, 1, 16, 2, 32, 64, Pooling.MEAN);
    private static final DataConfig DATA = new DataConfig("datasets", 32, 16, PaddingMode.DYNAMIC, true, 4, 7, OnBadRow.FAIL, 0, "");
    private static final DistillConfig HIDDEN = new DistillConfig(2, 2, 0.5, 0.5, WeightingScheme.UNIFORM, List.of(),
            SoftLoss.KL, false, false, 1.0, List.of());
    private static final int[] WIDTHS = {3, 5};

    @TempDir Path dir;

    private static float[][][] random(Random rnd, int[] widths) {
        float[][][] out = new float[widths.length][TRAIN.size()][];
        for (int k = 0; k < widths.length; k++) {
            for (int i = 0; i < TRAIN.size(); i++) {
                out[k][i] = new float[widths[k]];
                for (int j = 0; j < widths[k]; j++) {
                    out[k][i][j] = (float) rnd.nextGaussian();
                }
            }
        }
        return out;
    }

    private static final float[][][] LOGITS = random(new Random(1), new int[] {2, 2});
    private static final float[][][] FEATURES = random(new Random(2), WIDTHS);

    private static Trainer trainer(TextClassifier model, Path work, TrainConfig config, TrainingListener... listeners) {
        Trainer.Builder b = Trainer.builder("hidden", model, TRAIN, DEV).teachers(LOGITS, HIDDEN).teacherFeatures(FEATURES)
                .training(config).data(DATA).padId(SyntheticTask.TOKENIZER.padId()).workDir(work).parallelism(Parallelism.sequential());
        for (TrainingListener l : listeners) {
            b.listener(l);
        }
        return b.build();
    }

    private static TextClassifier tiny() {
        return TextClassifier.create(TINY, SyntheticTask.TOKENIZER.vocabSize(), 2, 5);
    }

    @Test
    void theHiddenLossProjectionsAreCheckpointedAndRestoredOnResume() throws Exception {
        TrainConfig config = new TrainConfig(2, 3e-3, 0.01, 0.1, 1.0, 11, 3, 0);
        Trainer.TrainResult a = trainer(tiny(), dir.resolve("a"), config).fit(false);

        Path work = dir.resolve("b");
        // 8 batches per epoch: interrupted after step 11, mid-epoch 2, last checkpoint at step 9
        Trainer first = trainer(tiny(), work, config, new TrainingListener() {
            @Override
            public void onStepEnd(TrainingState state, int batchExamples, double loss) {
                if (state.step() == 11) {
                    throw new TrainerTest.Interrupted(11);
                }
            }
        });
        assertThrows(TrainerTest.Interrupted.class, () -> first.fit(false));
        Checkpoint.Loaded saved = Checkpoint.load(work);
        assertEquals(List.of(HiddenLoss.projection(0), HiddenLoss.bias(0), HiddenLoss.projection(1), HiddenLoss.bias(1)),
                List.copyOf(saved.lossParameters().keySet()), "the projections are in the checkpoint");
        assertTrue(Files.isRegularFile(Checkpoint.folder(work).resolve(Checkpoint.LOSS_PARAMS)));

        Trainer.TrainResult b = trainer(tiny(), work, config).fit(true);
        assertEquals(a.state().step(), b.state().step());
        assertEquals(a.best().metrics(), b.best().metrics());
        // the last epoch's checkpoints (the models themselves end with the best epoch's weights, which may be the first)
        Checkpoint.Loaded endA = Checkpoint.load(dir.resolve("a"));
        Checkpoint.Loaded endB = Checkpoint.load(work);
        assertEquals(endA.state().step(), endB.state().step());
        for (Map.Entry<String, INDArray> e : endA.parameters().entrySet()) {
            assertEquals(0.0, e.getValue().sub(endB.parameters().get(e.getKey())).amaxNumber().doubleValue(), 1e-6, e.getKey());
        }
        assertEquals(endA.lossParameters().keySet(), endB.lossParameters().keySet());
        for (Map.Entry<String, INDArray> e : endA.lossParameters().entrySet()) {
            assertEquals(0.0, e.getValue().sub(endB.lossParameters().get(e.getKey())).amaxNumber().doubleValue(), 1e-6, e.getKey());
        }
    }

    @Test
    void aCheckpointWhoseProjectionsDoNotFitIsRefused() {
        Checkpoint.Loaded loaded = new Checkpoint.Loaded(Map.of(), Map.of(HiddenLoss.projection(0),
                org.nd4j.linalg.factory.Nd4j.zeros(16, 3)), new AdamW(0), null);
        org.kd4j.KdException e = assertThrows(org.kd4j.KdException.class, () -> loaded.restoreLossInto(
                Map.of(HiddenLoss.projection(0), org.nd4j.linalg.factory.Nd4j.zeros(16, 4))));
        assertTrue(e.getMessage().contains("checkpoint loss parameter " + HiddenLoss.projection(0) + " has shape [16, 3], the loss [16, 4]"),
                e.getMessage());
    }
}
