package org.kd4j.data.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

    private static final int[] LENGTHS = new SplittableRandom(7).ints(1000, 3, 60).toArray();

    private static int[] flatten(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void everyExampleExactlyOnceAndDeterministic() {
        BatchPlanner planner = new BatchPlanner(32, true, 10, 42);
        List<int[]> a = planner.trainingOrder(LENGTHS, 0);
        int[] seen = flatten(a).clone();
        Arrays.sort(seen);
        assertArrayEquals(IntStream.range(0, LENGTHS.length).toArray(), seen);
        assertArrayEquals(flatten(a), flatten(new BatchPlanner(32, true, 10, 42).trainingOrder(LENGTHS, 0)), "same seed, same order");
        assertNotEquals(Arrays.toString(flatten(a)), Arrays.toString(flatten(planner.trainingOrder(LENGTHS, 1))), "new epoch, new order");
        assertNotEquals(Arrays.toString(flatten(a)),
                Arrays.toString(flatten(new BatchPlanner(32, true, 10, 43).trainingOrder(LENGTHS, 0))), "new seed, new order");
        assertTrue(a.stream().allMatch(b -> b.length <= 32));
    }

    @Test
    void bucketingCutsPadding() {
        long bucketed = padded(new BatchPlanner(32, true, 10, 1).trainingOrder(LENGTHS, 0));
        long random = padded(new BatchPlanner(32, false, 10, 1).trainingOrder(LENGTHS, 0));
        long real = Arrays.stream(LENGTHS).sum();
        // window of 320 examples sorted by length: each batch spans ~1/10 of the length range
        assertTrue(bucketed < real * 1.15, "bucketed padding overhead " + bucketed + " vs real " + real);
        assertTrue(random > real * 1.5, "random batches pad to near the maximum: " + random + " vs " + real);
    }

    private static long padded(List<int[]> batches) {
        return batches.stream().mapToLong(b -> (long) b.length * Arrays.stream(b).map(i -> LENGTHS[i]).max().orElse(0)).sum();
    }

    @Test
    void evaluationOrderIsStableAndSortedWhenBucketing() {
        List<int[]> sorted = new BatchPlanner(100, true, 1, 5).evaluationOrder(LENGTHS);
        int[] flat = flatten(sorted);
        for (int i = 1; i < flat.length; i++) {
            assertTrue(LENGTHS[flat[i - 1]] <= LENGTHS[flat[i]]);
        }
        assertArrayEquals(IntStream.range(0, LENGTHS.length).toArray(),
                flatten(new BatchPlanner(100, false, 1, 5).evaluationOrder(LENGTHS)));
        assertEquals(10, sorted.size());
    }
}
