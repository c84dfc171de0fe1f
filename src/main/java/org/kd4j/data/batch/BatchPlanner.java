package org.kd4j.data.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Decides which examples form each batch, deterministically from a seed.
 *
 * <p>Training order: the examples are shuffled (seeded by seed and epoch); with bucketing, each window of
 * {@code batchSize * bucketBatches} shuffled examples is sorted by length and cut into batches, and the batch
 * order is shuffled again, so batches hold examples of similar length (little padding) while the training
 * order stays random. Evaluation order: no shuffling; with bucketing the examples are sorted by length.
 * Every example appears in exactly one batch; the last batch of a window may be smaller.
 */
public final class BatchPlanner {

    private final int batchSize;
    private final boolean bucketing;
    private final int bucketBatches;
    private final long seed;

    public BatchPlanner(int batchSize, boolean bucketing, int bucketBatches, long seed) {
        if (batchSize < 1 || bucketBatches < 1) {
            throw new IllegalArgumentException("batchSize and bucketBatches must be >= 1");
        }
        this.batchSize = batchSize;
        this.bucketing = bucketing;
        this.bucketBatches = bucketBatches;
        this.seed = seed;
    }

    /** Batches (arrays of example indices) for one training epoch. */
    public List<int[]> trainingOrder(int[] lengths, int epoch) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
        int[] order = IntStream.range(0, lengths.length).toArray();
        shuffle(order, random);
        if (!bucketing) {
            return cut(order, 0, order.length);
        }
        int window = batchSize * bucketBatches;
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < order.length; start += window) {
            int end = Math.min(order.length, start + window);
            sortByLength(order, start, end, lengths);
            batches.addAll(cut(order, start, end));
        }
        int[] batchOrder = IntStream.range(0, batches.size()).toArray();
        shuffle(batchOrder, random);
        List<int[]> shuffled = new ArrayList<>(batches.size());
        for (int b : batchOrder) {
            shuffled.add(batches.get(b));
        }
        return shuffled;
    }

    /** Batches for evaluation or inference: every example once, sorted by length when bucketing. */
    public List<int[]> evaluationOrder(int[] lengths) {
        int[] order = IntStream.range(0, lengths.length).toArray();
        if (bucketing) {
            sortByLength(order, 0, order.length, lengths);
        }
        return cut(order, 0, order.length);
    }

    private List<int[]> cut(int[] order, int start, int end) {
        List<int[]> batches = new ArrayList<>();
        for (int from = start; from < end; from += batchSize) {
            batches.add(Arrays.copyOfRange(order, from, Math.min(end, from + batchSize)));
        }
        return batches;
    }

    private static void sortByLength(int[] order, int start, int end, int[] lengths) {
        Integer[] window = IntStream.range(start, end).mapToObj(i -> order[i]).toArray(Integer[]::new);
        Arrays.sort(window, Comparator.comparingInt(i -> lengths[i])); // stable: ties keep the shuffled order
        for (int i = start; i < end; i++) {
            order[i] = window[i - start];
        }
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
