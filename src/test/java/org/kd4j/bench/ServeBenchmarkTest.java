package org.kd4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.data.glue.Example;

/** The percentiles {@code bench serve} reports (nearest rank), and the order it measures the two runtimes in. */
class ServeBenchmarkTest {

    /**
     * Each measurement runs on both runtimes one right after the other, the first alternating from measurement to
     * measurement and from run to run, so neither side is always measured first.
     */
    @Test
    void measuresBothRuntimesSideBySideAlternatingTheFirst() {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        ServeBenchmark.Runtime kd4j = recording("K", calls);
        ServeBenchmark.Runtime ort = recording("O", calls);
        List<Example> sentences = List.of(new Example("0", 1, "a fine film", null, 1, Double.NaN));
        int requests = 4;
        ServeBenchmark.Result result = ServeBenchmark.run("kd4j", kd4j, ort, sentences, requests, new int[] {1},
                new int[] {1, 2}, 2, 0);
        // every measurement (and each warm-up pass) is 4 calls of one runtime: read the calls 4 at a time
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < calls.size(); i += requests) {
            List<String> chunk = calls.subList(i, i + requests);
            assertEquals(1, chunk.stream().distinct().count(), "one runtime per measurement: " + calls);
            chunks.append(chunk.get(0));
        }
        // warm-up: each runtime's throughput then latency; then per run: latency, 1 caller, 2 callers, each on both
        assertEquals("KKOO" + "KO" + "OK" + "KO" + "OK" + "KO" + "OK", chunks.toString());
        assertEquals(List.of("p50 latency, batch 1", "p99 latency, batch 1", "throughput, batch 1, 1 caller",
                "throughput, batch 1, 2 concurrent callers"), result.lines().stream().map(ServeBenchmark.Line::what).toList());
    }

    /** A throughput measurement goes over its requests again, in whole passes, until its least time has passed. */
    @Test
    void throughputRepeatsItsRequestsForItsLeastTime() {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        ServeBenchmark.Runtime slow = new ServeBenchmark.Runtime() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public double[][] classify(List<Example> examples) {
                calls.add("call");
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return new double[examples.size()][];
            }
        };
        List<Example> four = java.util.Collections.nCopies(4, new Example("0", 1, "a fine film", null, 1, Double.NaN));
        double once = ServeBenchmark.throughput(slow, four, 2, 0);
        assertEquals(4, calls.size(), "one pass when the least time is 0");
        assertTrue(once > 0 && once <= 2 * 1000, "two callers of 1 ms calls: " + once);
        calls.clear();
        long start = System.nanoTime();
        double repeated = ServeBenchmark.throughput(slow, four, 2, 0.05);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= 0.05, "ran " + seconds + " s");
        assertTrue(calls.size() > 4 && calls.size() % 2 == 0, "whole passes of each caller's 2 texts: " + calls.size());
        assertTrue(repeated <= 2 * 1000 && repeated >= calls.size() / seconds * 0.99,
                repeated + " sentences/s from " + calls.size() + " calls in at most " + seconds + " s");
        // more callers than texts: the callers without a share end at once instead of waiting out the time
        calls.clear();
        ServeBenchmark.throughput(slow, four.subList(0, 1), 3, 0.02);
        assertTrue(calls.size() >= 2, "the one caller with a text repeats it: " + calls.size());
    }

    private static ServeBenchmark.Runtime recording(String name, List<String> calls) {
        return new ServeBenchmark.Runtime() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double[][] classify(List<Example> examples) {
                calls.add(name);
                return new double[examples.size()][];
            }
        };
    }

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
