package org.kd4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SoftmaxTest {

    @Test
    void probabilitiesOfHandPickedLogits() {
        // exp(ln 3) / (1 + 3) = 0.75
        double[] p = Softmax.of(new float[] {0f, (float) Math.log(3)}, 1.0, new double[2]);
        assertArrayEquals(new double[] {0.25, 0.75}, p, 1e-7);
        // at T = 2, logits 0 and 2 ln 3 give the same split
        double[] q = Softmax.of(new double[] {0, 2 * Math.log(3)}, 2.0, new double[2]);
        assertArrayEquals(new double[] {0.25, 0.75}, q, 1e-12);
    }

    @Test
    void largeLogitsDoNotOverflowAndTheBufferIsReused() {
        double[] buffer = new double[4];
        double[] p = Softmax.of(new float[] {1000f, 1000f, -1000f}, 1.0, buffer);
        assertSame(buffer, p);
        assertEquals(0.5, p[0], 1e-15);
        assertEquals(0.5, p[1], 1e-15);
        assertEquals(0.0, p[2], 1e-15);
    }

    @Test
    void logSumExpIsStable() {
        assertEquals(1000 + Math.log(2), Softmax.logSumExp(new float[] {1000f, 1000f}), 1e-9);
        assertEquals(Math.log(1 + Math.E), Softmax.logSumExp(new float[] {0f, 1f}), 1e-7);
    }

    @Test
    void temperatureMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Softmax.of(new float[] {1f}, 0.0, new double[1]));
        assertEquals("temperature: expected a finite value > 0, found 0.0", e.getMessage());
    }

    @Test
    void logitsBecomeProbabilitiesAndTheirCrossEntropy() {
        Logits logits = new Logits(new float[][] {{0f, (float) Math.log(3)}, {(float) Math.log(3), 0f}});
        Probabilities p = logits.probabilities(1.0);
        assertArrayEquals(new float[] {0.25f, 0.75f}, p.rows()[0], 1e-6f);
        assertArrayEquals(new float[] {0.75f, 0.25f}, p.rows()[1], 1e-6f);
        // gold 1, 1: -(ln 0.75 + ln 0.25) / 2
        assertEquals(-(Math.log(0.75) + Math.log(0.25)) / 2, p.crossEntropy(new int[] {1, 1}), 1e-6);
        // the cross-entropy of the probabilities is the loss of the logits
        assertEquals(Evaluation.loss(org.kd4j.data.glue.GlueTask.SST2, logits, new int[] {1, 1}, null),
                p.crossEntropy(new int[] {1, 1}), 1e-6);
    }
}
