package org.kd4j.bench.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kd4j.model.BiLstmConfig;
import org.kd4j.model.TextClassifier;

class PytorchTrainingPeerTest {

    /** 2 layers, hidden 32: the smallest encoder that still has every part of the real one. */
    private static final EncoderShape TINY = new EncoderShape(2, 32, 4, 64, 100, 16, 2, 2);

    /** kd4j's BiLSTM student, small: a 50-row table of width 12, 10 units per direction. */
    private static final BiLstmShape TINY_BILSTM = new BiLstmShape(50, 12, 10, 1, 0, 2);

    @Test
    void serviceLoaderFindsThePytorchPeer() throws Exception {
        try (TrainingPeer peer = TrainingPeer.find().orElseThrow()) {
            assertInstanceOf(PytorchTrainingPeer.class, peer);
            assertTrue(peer.name().matches("PyTorch \\d+\\.\\d+\\.\\d+ \\(DJL \\d+\\.\\d+\\.\\d+\\)"), peer.name());
        }
    }

    @Test
    void stepsLowerTheLossOnAFixedBatch() {
        float[] losses = fallingLosses(new PytorchTrainingPeer(), TINY);
        String trace = Arrays.toString(losses);
        assertTrue(losses[0] - losses[losses.length - 1] > 1e-3, trace);
    }

    @Test
    void oneStepMovesEveryParameterByItsGradient() {
        try (PytorchTrainingPeer peer = new PytorchTrainingPeer()) {
            peer.setUp(TINY, 4, 6, 3);
            Map<String, float[]> before = peer.parameterValues();
            peer.step();
            Map<String, float[]> after = peer.parameterValues();
            // 3 embedding tables, their norm, 2 layers x (6 dense + 2 norms), the classifier
            assertEquals(3 + 2 + 2 * (6 * 2 + 2 * 2) + 2, before.size(), before.keySet().toString());
            for (String name : before.keySet()) {
                if (name.endsWith("_k_b")) {
                    // q.(k + b) shifts every score of a query alike, and softmax ignores that: no gradient
                    continue;
                }
                float largest = largestMove(before.get(name), after.get(name));
                // AdamW's first step moves a weight with a gradient by about the learning rate; weight decay
                // alone would move it by lr * 0.01 * |w|, orders of magnitude less
                assertTrue(largest > PytorchTrainingPeer.LEARNING_RATE / 2, name + " moved by at most " + largest);
            }
        }
    }

    @Test
    void sameSeedSameLosses() {
        assertEquals(Arrays.toString(losses(7)), Arrays.toString(losses(7)));
    }

    @Test
    void peerCanBeSetUpAgainAfterClose() {
        try (PytorchTrainingPeer peer = new PytorchTrainingPeer()) {
            peer.setUp(TINY, 2, 4, 1);
            peer.step();
            peer.close();
            assertThrows(IllegalStateException.class, peer::step);
            peer.setUp(TINY, 3, 5, 1);
            peer.step();
            assertTrue(Float.isFinite(peer.lastLoss()));
        }
    }

    @Test
    void setUpAppliesTheThreadSettings() {
        try (PytorchTrainingPeer peer = new PytorchTrainingPeer()) {
            peer.setUp(TINY, 2, 4, 1);
            assertEquals(PytorchTrainingPeer.threads(), JniUtils.getNumThreads());
            assertEquals(1, JniUtils.getNumInteropThreads());
        }
    }

    @Test
    void rejectsALengthPastThePositions() {
        try (PytorchTrainingPeer peer = new PytorchTrainingPeer()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> peer.setUp(TINY, 2, 17, 1));
            assertEquals("length: expected 1..16 (the shape's positions), found 17", e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 0", "2, 7"})
    void bilstmStepsLowerTheLossOnAFixedBatch(int layers, int headUnits) {
        float[] losses = fallingLosses(new PytorchTrainingPeer(1e-2f), new BiLstmShape(50, 12, 10, layers, headUnits, 2));
        String trace = Arrays.toString(losses);
        // AdamW at 1e-2 on one batch of 8: the loss falls well below ln 2 within 20 steps
        assertTrue(losses[losses.length - 1] < 0.7 * losses[0], trace);
    }

    /**
     * The peer builds kd4j's BiLSTM student to the parameter: the same count as kd4j's model of that shape, plus
     * PyTorch's second bias vector (4 x units) for each direction of each layer.
     */
    @ParameterizedTest
    @CsvSource({"1, 0", "2, 0", "1, 7"})
    void bilstmHasTheParametersOfKd4jsStudent(int layers, int headUnits) {
        BiLstmShape shape = new BiLstmShape(50, 12, 10, layers, headUnits, 2);
        TextClassifier student = TextClassifier.create(new BiLstmConfig(12, 10, headUnits, layers), 50, 2, 1);
        long kd4j = student.parameters().values().stream().mapToLong(a -> a.length()).sum();
        try (PytorchTrainingPeer peer = new PytorchTrainingPeer()) {
            peer.setUp(shape, 2, 5, 1);
            long pytorch = peer.parameterValues().values().stream().mapToLong(a -> a.length).sum();
            assertEquals(kd4j + layers * 2L * 4 * 10, pytorch, peer.parameterValues().keySet().toString());
        }
    }

    @Test
    void bilstmStepMovesEveryParameter() {
        try (PytorchTrainingPeer peer = new PytorchTrainingPeer()) {
            // no ReLU head: at N(0, 0.02) word rows every row's pooled states are nearly alike, so a ReLU unit is
            // off for the whole batch or on for all of it, and its bias may get no gradient in one step
            peer.setUp(new BiLstmShape(50, 12, 10, 2, 0, 2), 4, 6, 3);
            Map<String, float[]> before = peer.parameterValues();
            peer.step();
            Map<String, float[]> after = peer.parameterValues();
            for (String name : before.keySet()) {
                float largest = largestMove(before.get(name), after.get(name));
                // weight decay alone would move a weight by at most lr * 0.01 * 0.32 (PyTorch's LSTM initial bound
                // for 10 units); a gradient moves it by up to lr in AdamW's first step, less where it is tiny (the
                // lower layer of two)
                assertTrue(largest > PytorchTrainingPeer.LEARNING_RATE / 20, name + " moved by at most " + largest);
            }
        }
    }

    @Test
    void bilstmFrozenWordTableStaysPut() {
        try (PytorchTrainingPeer peer = new PytorchTrainingPeer()) {
            peer.setUp(new BiLstmShape(50, 12, 10, 1, 0, 2, BiLstmShape.WordTable.FROZEN), 4, 6, 3);
            Map<String, float[]> before = peer.parameterValues();
            peer.step();
            Map<String, float[]> after = peer.parameterValues();
            assertTrue(Arrays.equals(before.get("word"), after.get("word")), "the frozen word table moved");
            assertTrue(!Arrays.equals(before.get("type"), after.get("type")), "the type table did not move");
            assertTrue(!Arrays.equals(before.get("lstm0_fwd_w_ih"), after.get("lstm0_fwd_w_ih")), "the LSTM did not move");
        }
    }

    @Test
    void bilstmRejectsAnEmptyLength() {
        try (PytorchTrainingPeer peer = new PytorchTrainingPeer()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> peer.setUp(TINY_BILSTM, 2, 0, 1));
            assertEquals("length: expected at least 1, found 0", e.getMessage());
        }
    }

    /**
     * The losses of 20 steps of {@code peer} (closed here) on one batch of 8 x 12 of {@code shape}, checked on the way:
     * the first near ln 2 (two labels, small initial weights), each below the one before.
     */
    private static float[] fallingLosses(PytorchTrainingPeer peer, PeerShape shape) {
        float[] losses = new float[20];
        try (peer) {
            peer.setUp(shape, 8, 12, 42);
            for (int i = 0; i < losses.length; i++) {
                peer.step();
                losses[i] = peer.lastLoss();
            }
        }
        String trace = Arrays.toString(losses);
        assertEquals(Math.log(2), losses[0], 0.1, trace);
        for (int i = 1; i < losses.length; i++) {
            assertTrue(losses[i] < losses[i - 1], "loss rose at step " + i + ": " + trace);
        }
        return losses;
    }

    /** The largest change of any element from {@code before} to {@code after}. */
    private static float largestMove(float[] before, float[] after) {
        float largest = 0;
        for (int i = 0; i < before.length; i++) {
            largest = Math.max(largest, Math.abs(after[i] - before[i]));
        }
        return largest;
    }

    private static float[] losses(long seed) {
        try (PytorchTrainingPeer peer = new PytorchTrainingPeer()) {
            peer.setUp(TINY, 4, 6, seed);
            float[] losses = new float[3];
            for (int i = 0; i < losses.length; i++) {
                peer.step();
                losses[i] = peer.lastLoss();
            }
            return losses;
        }
    }
}
