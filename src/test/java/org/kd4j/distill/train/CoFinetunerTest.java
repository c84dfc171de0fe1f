package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.TrainConfig;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.model.Pooling;
import org.kd4j.util.Parallelism;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The joint step of {@link CoFinetuner}: the shared head's gradient is the sum of each teacher's gradient through it
 * (computed apart) and the derivative of the summed loss (central differences); teachers start from and end with one
 * head; a joint run is deterministic; teachers that cannot share a head are refused with both names and sizes.
 */
class CoFinetunerTest {

    @TempDir static Path root;
    static ExperimentConfig config;
    static BertTokenizer uncased;
    static BertTokenizer cased;
    static CoFinetuningFixture fixture;

    @BeforeAll
    static void data() throws Exception {
        fixture = CoFinetuningFixture.write(root);
        config = fixture.config();
        uncased = fixture.uncased();
        cased = fixture.cased();
    }

    private static CoFinetuner.Member member(String name, BertTokenizer tokenizer, int hidden, Pooling pooling, long seed) {
        return fixture.member(name, tokenizer, hidden, pooling, seed);
    }

    private static List<CoFinetuner.Member> pair() {
        return fixture.pair();
    }

    private static CoFinetuner tuner(List<CoFinetuner.Member> members, int epochs) {
        TrainConfig train = new TrainConfig(epochs, 0.005, 0.01, 0.1, 1.0, 3, 0, 0);
        return new CoFinetuner(members, train, config.data(), new Parallelism(1, 1, 0), root.resolve("work-" + System.nanoTime()));
    }

    private static final int[] ROWS = {0, 3, 5, 8, 13, 21, 34, 40};

    @Test
    void theSharedHeadsGradientIsTheSumOfEachTeachersGradient() {
        List<CoFinetuner.Member> members = pair();
        CoFinetuner tuner = tuner(members, 1);
        List<GradientEngine> engines = tuner.engines();
        try {
            CoFinetuner.JointGradients joint = tuner.gradients(engines, ROWS);
            assertEquals(List.of("classifier_b", "classifier_w", "pooler_b", "pooler_w"), List.copyOf(new java.util.TreeSet<>(joint.head().keySet())));
            // each teacher's gradient of its own copy of the head, computed on its own
            for (String name : joint.head().keySet()) {
                INDArray sum = null;
                double lossSum = 0;
                for (int k = 0; k < members.size(); k++) {
                    CoFinetuner.Member m = members.get(k);
                    GradientEngine.BatchGradients g = engines.get(k).gradients(Batch.of(m.train(), ROWS, 0, m.padId()), 1.0);
                    lossSum += g.loss();
                    INDArray own = g.weights().get(name).reshape(joint.head().get(name).shape()).dup();
                    sum = sum == null ? own : sum.addi(own);
                }
                assertEquals(joint.loss(), lossSum, 1e-6, "the joint loss is the sum of the teachers' losses");
                double diff = sum.sub(joint.head().get(name)).amaxNumber().doubleValue();
                assertTrue(diff < 1e-6, name + ": joint head gradient differs from the sum by " + diff);
                assertTrue(sum.amaxNumber().doubleValue() > 1e-5, name + ": a gradient to compare");
            }
            joint.close();
        } finally {
            engines.forEach(GradientEngine::close);
        }
    }

    @Test
    void theSharedHeadsGradientMatchesCentralDifferencesOfTheJointLoss() {
        List<CoFinetuner.Member> members = pair();
        CoFinetuner tuner = tuner(members, 1);
        List<GradientEngine> engines = tuner.engines();
        try {
            CoFinetuner.JointGradients joint = tuner.gradients(engines, ROWS);
            double eps = 1e-2;
            for (String name : List.of("classifier_b", "classifier_w", "pooler_w")) {
                INDArray analytic = joint.head().get(name);
                for (long index : new long[] {0, 1}) {
                    double a = analytic.getDouble(index);
                    double plus = lossWithShared(tuner, engines, members, name, index, eps);
                    double minus = lossWithShared(tuner, engines, members, name, index, -eps);
                    double numeric = (plus - minus) / (2 * eps);
                    assertEquals(a, numeric, 2e-3 + 2e-2 * Math.abs(a), name + "[" + index + "]: analytic " + a + ", numeric " + numeric);
                }
            }
            joint.close();
        } finally {
            engines.forEach(GradientEngine::close);
        }
    }

    /** The joint loss with the shared parameter moved by {@code delta} in every teacher (it is one parameter), then put back. */
    private static double lossWithShared(CoFinetuner tuner, List<GradientEngine> engines, List<CoFinetuner.Member> members,
                                         String name, long index, double delta) {
        List<INDArray> copies = new ArrayList<>();
        for (CoFinetuner.Member m : members) {
            INDArray p = m.model().parameters().get(name);
            copies.add(p);
            p.putScalar(index, p.getDouble(index) + delta);
        }
        CoFinetuner.JointGradients g = tuner.gradients(engines, ROWS);
        double loss = g.loss();
        g.close();
        for (INDArray p : copies) {
            p.putScalar(index, p.getDouble(index) - delta);
        }
        return loss;
    }

    @Test
    void teachersStartAndEndWithOneHeadAndAJointRunIsDeterministic() {
        List<CoFinetuner.Member> first = pair();
        CoFinetuner tuner = tuner(first, 2);
        Map<String, INDArray> startA = first.get(0).model().parameters();
        Map<String, INDArray> startB = first.get(1).model().parameters();
        for (String name : CoFinetuner.sharedParameters(first.get(0).model())) {
            assertEquals(startA.get(name), startB.get(name), name + ": one head to start from");
        }
        INDArray headBefore = startA.get("classifier_w").dup();
        CoFinetuner.Result result = tuner.fit();
        assertEquals(2, result.models().size());
        assertEquals(2, result.dev().size());
        Map<String, INDArray> endA = result.models().get(0).parameters();
        Map<String, INDArray> endB = result.models().get(1).parameters();
        for (String name : CoFinetuner.sharedParameters(result.models().get(0))) {
            assertEquals(endA.get(name), endB.get(name), name + ": one head at the end");
        }
        assertNotEquals(headBefore, endA.get("classifier_w"), "the shared head was trained");
        // where the joint run's time went: every step's passes and update, each epoch's evaluation, the engines' graphs
        TrainingPhases phases = result.phases();
        for (TrainingPhases.Phase p : List.of(TrainingPhases.Phase.GRADIENTS, TrainingPhases.Phase.OPTIMIZER,
                TrainingPhases.Phase.EVALUATION, TrainingPhases.Phase.LISTENERS, TrainingPhases.Phase.GRAPH)) {
            assertTrue(phases.seconds(p) > 0, p + " took no time: " + phases.secondsByKey());
        }
        double onCaller = java.util.Arrays.stream(TrainingPhases.Phase.values()).filter(TrainingPhases.Phase::onCaller)
                .mapToDouble(phases::seconds).sum();
        assertTrue(onCaller <= result.seconds(), "the training thread's phases " + onCaller + " s within the run's "
                + result.seconds() + " s");
        // one worker (Parallelism(1, ...)): the engines' graph time lies within the passes the training thread waited for
        assertTrue(phases.seconds(TrainingPhases.Phase.GRAPH) <= phases.seconds(TrainingPhases.Phase.GRADIENTS),
                phases.secondsByKey().toString());

        CoFinetuner.Result again = tuner(pair(), 2).fit();
        Map<String, INDArray> endA2 = again.models().get(0).parameters();
        Map<String, INDArray> endB2 = again.models().get(1).parameters();
        for (String name : endA.keySet()) {
            assertEquals(endA.get(name), endA2.get(name), "a: " + name + " is the same in a second run with the same seed");
            assertEquals(endB.get(name), endB2.get(name), "b: " + name + " is the same in a second run with the same seed");
        }
    }

    @Test
    void teachersThatCannotShareAHeadAreRefusedWithTheirNamesAndSizes() {
        KdException wide = assertThrows(KdException.class, () -> CoFinetuner.checkShareable(
                List.of(member("a", uncased, 16, Pooling.CLS, 5), member("wide", uncased, 32, Pooling.CLS, 6))));
        assertTrue(wide.getMessage().contains("teachers a and wide cannot share") && wide.getMessage().contains("[16, 2]")
                && wide.getMessage().contains("hidden size 16 in a, 32 in wide"), wide.getMessage());
        KdException pooling = assertThrows(KdException.class, () -> CoFinetuner.checkShareable(
                List.of(member("a", uncased, 16, Pooling.MEAN, 5), member("b", uncased, 16, Pooling.FIRST, 6))));
        assertTrue(pooling.getMessage().contains("pool differently (mean in a, first in b)"), pooling.getMessage());
        KdException alone = assertThrows(KdException.class, () -> CoFinetuner.checkShareable(
                List.of(member("a", uncased, 16, Pooling.MEAN, 5))));
        assertTrue(alone.getMessage().contains("at least two teachers"), alone.getMessage());
    }
}
