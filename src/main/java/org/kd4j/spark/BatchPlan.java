package org.kd4j.spark;

import java.io.Serializable;
import java.util.List;
import org.kd4j.data.batch.BatchPlanner;

/**
 * The inference batches of a data set, planned on the driver by the local path's own planner
 * ({@link BatchPlanner#evaluationOrder}: sorted by length, cut every {@code batchSize}) and broadcast to the
 * executors. Scoring the same batches is what makes Spark's logits bit-identical to local scoring: a transformer's
 * logits for a sentence change in the last bit with the batch it is padded and multiplied in.
 *
 * @param batchOf the batch of each sentence, by index
 * @param position the sentence's row in its batch, by index
 * @param sizes the number of sentences in each batch
 * @param groups the number of partitions the batches are spread over (contiguous runs of batches)
 */
record BatchPlan(int[] batchOf, int[] position, int[] sizes, int groups) implements Serializable {

    /** Plans the batches of sentences with these token {@code lengths} (by index), over {@code groups} partitions. */
    static BatchPlan of(int[] lengths, int batchSize, int groups) {
        List<int[]> batches = new BatchPlanner(batchSize, true, 1, 0).evaluationOrder(lengths);
        int[] batchOf = new int[lengths.length];
        int[] position = new int[lengths.length];
        int[] sizes = new int[batches.size()];
        for (int b = 0; b < batches.size(); b++) {
            int[] rows = batches.get(b);
            sizes[b] = rows.length;
            for (int p = 0; p < rows.length; p++) {
                batchOf[rows[p]] = b;
                position[rows[p]] = p;
            }
        }
        return new BatchPlan(batchOf, position, sizes, Math.max(1, Math.min(groups, batches.size())));
    }

    /** The partition that scores sentence {@code index}: batches 0..n-1 cut into {@link #groups} contiguous runs. */
    int group(long index) {
        return (int) ((long) batchOf[(int) index] * groups / sizes.length);
    }
}
