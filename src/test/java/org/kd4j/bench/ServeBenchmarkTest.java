package org.kd4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The percentiles {@code bench serve} reports (nearest rank). */
class ServeBenchmarkTest {

    @Test
    void nearestRankPercentiles() {
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[99 - i] = i + 1; // 100..1, unsorted
        }
        assertEquals(50, ServeBenchmark.percentile(hundred, 0.50));
        assertEquals(99, ServeBenchmark.percentile(hundred, 0.99));
        assertEquals(3, ServeBenchmark.percentile(new double[] {3, 1, 2}, 0.99));
        assertEquals(2, ServeBenchmark.percentile(new double[] {3, 1, 2}, 0.50));
        assertEquals(7, ServeBenchmark.percentile(new double[] {7}, 0.99));
        assertEquals(new ServeBenchmark.Stats(2, 1, 5), ServeBenchmark.Stats.of(new double[] {5, 1, 2}));
        assertEquals(new ServeBenchmark.Stats(2.5, 1, 5), ServeBenchmark.Stats.of(new double[] {5, 1, 2, 3}));
    }
}
