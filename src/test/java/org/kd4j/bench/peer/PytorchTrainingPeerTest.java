package org.kd4j.bench.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PytorchTrainingPeerTest {

    /** 2 layers, hidden 32: the smallest encoder that still has every part of the real one. */
    private static final EncoderShape TINY = new EncoderShape(2, 32, 4, 64, 100, 16, 2, 2);

    @Test
    void serviceLoaderFindsThePytorchPeer() throws Exception {
        try (TrainingPeer peer = TrainingPeer.find().orElseThrow()) {
            assertInstanceOf(PytorchTrainingPeer.class, peer);
            assertTrue(peer.name().matches("PyTorch \\d+\\.\\d+\\.\\d+ \\(DJL \\d+\\.\\d+\\.\\d+\\)"), peer.name());
        }
    }

    @Test
    void stepsLowerTheLossOnAFixedBatch() {
        float[] losses = new float[20];
        try (PytorchTrainingPeer peer = new PytorchTrainingPeer()) {
            peer.setUp(TINY, 8, 12, 42);
            for (int i = 0; i < losses.length; i++) {
                peer.step();
                losses[i] = peer.lastLoss();
            }
        }
        String trace = Arrays.toString(losses);
        // two labels, small initial weights: the first loss is near ln 2
        assertEquals(Math.log(2), losses[0], 0.1, trace);
        for (int i = 1; i < losses.length; i++) {
            assertTrue(losses[i] < losses[i - 1], "loss rose at step " + i + ": " + trace);
        }
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
                float largest = 0;
                for (int i = 0; i < before.get(name).length; i++) {
                    largest = Math.max(largest, Math.abs(after.get(name)[i] - before.get(name)[i]));
                }
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
