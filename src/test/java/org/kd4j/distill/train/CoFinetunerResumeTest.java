package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.OptimizerKind;
import org.kd4j.config.TrainConfig;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Parallelism;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Resuming a {@link CoFinetuner}: a run interrupted after epoch 1 of 3, or within epoch 2 with
 * {@code checkpoint_every_steps}, and started again continues from its checkpoint and ends with exactly the weights of an
 * uninterrupted run (every member, the shared head included, both the kept epoch's and the last epoch's); a checkpoint
 * of another set is refused with an error naming its file.
 */
class CoFinetunerResumeTest {

    @TempDir static Path root;
    static ExperimentConfig config;
    static BertTokenizer uncased;
    static BertTokenizer cased;
    static CoFinetuningFixture fixture;

    /** Thrown by the test's listener to interrupt a run, as a crash would. */
    private static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted by the test");
        }
    }

    @BeforeAll
    static void data() throws Exception {
        fixture = CoFinetuningFixture.write(root);
        config = fixture.config();
        uncased = fixture.uncased();
        cased = fixture.cased();
    }

    private static List<CoFinetuner.Member> pair() {
        return fixture.pair();
    }

    private static CoFinetuner tuner(List<CoFinetuner.Member> members, double learningRate, Path workDir) {
        return tuner(members, learningRate, 0, workDir);
    }

    private static CoFinetuner tuner(List<CoFinetuner.Member> members, double learningRate, int checkpointEverySteps,
                                     Path workDir) {
        TrainConfig train = new TrainConfig(3, learningRate, 0.01, 0.1, 1.0, 3, checkpointEverySteps, 0);
        return new CoFinetuner(members, train, config.data(), new Parallelism(1, 1, 0), workDir);
    }

    /** Every parameter of every model, bit for bit. */
    private static void assertSameWeights(List<TextClassifier> expected, List<TextClassifier> actual, String what) {
        assertEquals(expected.size(), actual.size());
        for (int k = 0; k < expected.size(); k++) {
            Map<String, INDArray> e = expected.get(k).parameters();
            Map<String, INDArray> a = actual.get(k).parameters();
            assertEquals(e.keySet(), a.keySet());
            for (String name : e.keySet()) {
                assertArrayEquals(e.get(name).data().asFloat(), a.get(name).data().asFloat(),
                        what + ", member " + k + ": " + name + " differs from the uninterrupted run");
            }
        }
    }

    /**
     * The resumed run keeps the uninterrupted run's epoch with its dev metrics and weights, and ends with its last
     * epoch's weights ({@code straight} and {@code resumed}: the two runs' members).
     */
    private static void assertSameAsUninterrupted(CoFinetuner.Result expected, CoFinetuner.Result actual,
                                                  List<CoFinetuner.Member> straight, List<CoFinetuner.Member> resumed) {
        assertEquals(expected.bestEpoch(), actual.bestEpoch(), "the same epoch is kept");
        assertEquals(expected.dev().stream().map(e -> e.main()).toList(), actual.dev().stream().map(e -> e.main()).toList(),
                "the kept epoch's dev metrics");
        assertSameWeights(expected.models(), actual.models(), "kept epoch");
        assertSameWeights(straight.stream().map(CoFinetuner.Member::model).toList(),
                resumed.stream().map(CoFinetuner.Member::model).toList(), "last epoch");
    }

    @Test
    void aRunInterruptedAfterEpochOneAndResumedEndsWithTheUninterruptedWeights() {
        List<CoFinetuner.Member> straight = pair();
        CoFinetuner.Result expected = tuner(straight, 0.005, root.resolve("straight")).fit();

        Path work = root.resolve("interrupted");
        List<CoFinetuner.Member> crashed = pair();
        assertThrows(Interrupted.class, () -> tuner(crashed, 0.005, work).fit((epoch, state) -> {
            if (epoch == 0) {
                throw new Interrupted();
            }
        }));
        Path state = work.resolve(CoFinetuningCheckpoint.FOLDER).resolve(CoFinetuningCheckpoint.STATE);
        assertTrue(Files.isRegularFile(state), "the checkpoint of epoch 1 is in " + work);
        assertFalse(Files.exists(work.resolve(CoFinetuningCheckpoint.FOLDER + ".new")), "no half-written checkpoint left");

        // a new process: fresh models of the same configs, the same work folder
        List<CoFinetuner.Member> resumed = pair();
        int[] epochsRun = {0};
        CoFinetuner.Result actual = tuner(resumed, 0.005, work).fit((epoch, s) -> {
            assertTrue(epoch >= 1, "epoch " + (epoch + 1) + " was run again after the resume");
            epochsRun[0]++;
        });
        assertEquals(2, epochsRun[0], "the resumed run runs epochs 2 and 3 only");
        assertSameAsUninterrupted(expected, actual, straight, resumed);
        for (String name : CoFinetuner.sharedParameters(actual.models().get(0))) {
            assertArrayEquals(actual.models().get(0).parameters().get(name).data().asFloat(),
                    actual.models().get(1).parameters().get(name).data().asFloat(), name + ": one shared head after the resume");
        }
    }

    @Test
    void aRunInterruptedWithinAnEpochResumesAtTheNextBatchAndEndsWithTheUninterruptedWeights() throws Exception {
        // 48 rows in batches of 16: 3 steps an epoch; a checkpoint every 2 steps stands at step 2 (epoch 1, batch 2),
        // step 4 (epoch 2, batch 1) and step 8 (epoch 3, batch 2), besides each epoch's own (step 6 is epoch 2's end)
        List<CoFinetuner.Member> straight = pair();
        List<Long> straightSteps = new java.util.ArrayList<>();
        CoFinetuner.Result expected = tuner(straight, 0.005, 2, root.resolve("straight-steps"))
                .fit((epoch, s) -> straightSteps.add(s.step()));
        assertEquals(List.of(2L, 3L, 4L, 6L, 8L, 9L), straightSteps, "a checkpoint every 2 steps and at each epoch's end");

        Path work = root.resolve("within");
        List<CoFinetuner.Member> crashed = pair();
        assertThrows(Interrupted.class, () -> tuner(crashed, 0.005, 2, work).fit((epoch, s) -> {
            if (s.step() == 4) {
                assertEquals(1, epoch);
                assertEquals(1, s.batchInEpoch(), "step 4 is epoch 2's first batch");
                throw new Interrupted();
            }
        }));
        Path state = work.resolve(CoFinetuningCheckpoint.FOLDER).resolve(CoFinetuningCheckpoint.STATE);
        CoFinetuningCheckpoint.Meta meta = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(state.toFile(), CoFinetuningCheckpoint.Meta.class);
        assertEquals(4, meta.state().step());
        assertEquals(1, meta.state().batchInEpoch());
        assertTrue(meta.epochLoss() > 0, "the joint loss of epoch 2's first batch: " + meta.epochLoss());

        List<CoFinetuner.Member> resumed = pair();
        List<Long> resumedSteps = new java.util.ArrayList<>();
        CoFinetuner.Result actual = tuner(resumed, 0.005, 2, work).fit((epoch, s) -> resumedSteps.add(s.step()));
        assertEquals(List.of(6L, 8L, 9L), resumedSteps, "epoch 2 goes on at its second batch: steps 5 to 9 only");
        assertSameAsUninterrupted(expected, actual, straight, resumed);

        // checkpoints within epochs do not change the training: the same weights as a run that writes none
        List<CoFinetuner.Member> plain = pair();
        tuner(plain, 0.005, 0, root.resolve("no-steps")).fit();
        assertSameWeights(plain.stream().map(CoFinetuner.Member::model).toList(),
                straight.stream().map(CoFinetuner.Member::model).toList(), "without checkpoints within epochs");
    }

    @Test
    void aCheckpointWrittenBeforeTheEpochLossFieldExistedStillResumes() throws Exception {
        Path work = root.resolve("older");
        assertThrows(Interrupted.class, () -> tuner(pair(), 0.005, work).fit((epoch, s) -> {
            throw new Interrupted();
        }));
        Path state = work.resolve(CoFinetuningCheckpoint.FOLDER).resolve(CoFinetuningCheckpoint.STATE);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode written = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(state.toFile());
        assertTrue(written.has("epochLoss"), written.toString());
        written.remove("epochLoss");
        Files.writeString(state, json.writeValueAsString(written));
        List<Long> steps = new java.util.ArrayList<>();
        tuner(pair(), 0.005, work).fit((epoch, s) -> steps.add(s.step()));
        assertEquals(List.of(6L, 9L), steps, "resumed at epoch 2's start");
    }

    @Test
    void aCheckpointOfAnotherSetIsRefusedNamingItsFile() {
        Path work = root.resolve("foreign");
        assertThrows(Interrupted.class, () -> tuner(pair(), 0.005, work).fit((epoch, state) -> {
            throw new Interrupted();
        }));
        // the same teachers with another learning rate: another set, whose run must not continue this one
        KdException e = assertThrows(KdException.class, () -> tuner(pair(), 0.002, work).fit());
        Path state = work.resolve(CoFinetuningCheckpoint.FOLDER).resolve(CoFinetuningCheckpoint.STATE);
        assertTrue(e.getMessage().startsWith(state + ": co-finetuning checkpoint of teachers [a, b]")
                && e.getMessage().contains("does not match") && !e.getMessage().contains("\n"), e.getMessage());
        // other members
        List<CoFinetuner.Member> others = List.of(fixture.member("a", uncased, 16, Pooling.CLS, 5), fixture.member("c", cased, 16, Pooling.CLS, 6));
        KdException names = assertThrows(KdException.class, () -> tuner(others, 0.005, work).fit());
        assertTrue(names.getMessage().contains("[a, c]"), names.getMessage());
        assertTrue(Files.isRegularFile(state), "the foreign checkpoint is left as it was");
    }

    @Test
    void theMembersAndTheHeadTrainWithTheConfigsOptimizerAndAnotherOneIsAnotherSet() {
        Path work = root.resolve("sgd");
        TrainConfig sgd = new TrainConfig(3, 0.05, 0.0, 0.1, 1.0, 3, 0, 0).withOptimizer(OptimizerKind.SGD);
        assertThrows(Interrupted.class, () -> new CoFinetuner(pair(), sgd, config.data(), new Parallelism(1, 1, 0), work)
                .fit((epoch, state) -> {
                    throw new Interrupted();
                }));
        Path folder = work.resolve(CoFinetuningCheckpoint.FOLDER);
        for (String part : List.of("member-0", "member-1", "head")) {
            Optimizer saved = Checkpoint.load(folder.resolve(part)).optimizerState();
            assertEquals(OptimizerKind.SGD, saved.kind(), part);
            assertTrue(saved.secondState().isEmpty() && !saved.firstState().isEmpty(), part + ": SGD's one momentum buffer");
        }
        KdException e = assertThrows(KdException.class, () -> new CoFinetuner(pair(), sgd.withOptimizer(OptimizerKind.ADAMW),
                config.data(), new Parallelism(1, 1, 0), work).fit());
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }
}
