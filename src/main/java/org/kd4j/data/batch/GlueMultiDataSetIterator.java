package org.kd4j.data.batch;

import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * A DL4J iterator over the padded batches of an {@link EncodedDataset}. In training mode each {@link #reset()}
 * starts the next epoch with a new (seeded) order; in evaluation mode the order never changes.
 */
public final class GlueMultiDataSetIterator implements MultiDataSetIterator {

    private final EncodedDataset data;
    private final BatchPlanner planner;
    private final int padTo;
    private final int padId;
    private final boolean training;
    private final int[] lengths;
    private transient MultiDataSetPreProcessor preProcessor;
    private int epoch;
    private List<int[]> batches;
    private int cursor;

    /**
     * @param padTo 0 for dynamic padding, or the fixed length every batch is padded to
     */
    public GlueMultiDataSetIterator(EncodedDataset data, BatchPlanner planner, int padTo, int padId, boolean training) {
        this.data = data;
        this.planner = planner;
        this.padTo = padTo;
        this.padId = padId;
        this.training = training;
        this.lengths = data.lengths();
        plan();
    }

    private void plan() {
        batches = training ? planner.trainingOrder(lengths, epoch) : planner.evaluationOrder(lengths);
        cursor = 0;
    }

    /** The next batch with its example indices. */
    public Batch nextBatch() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has " + batches.size() + " batches");
        }
        return Batch.of(data, batches.get(cursor++), padTo, padId);
    }

    @Override
    public MultiDataSet next() {
        MultiDataSet mds = nextBatch().toMultiDataSet(data.task().numOutputs(), data.task().isRegression());
        if (preProcessor != null) {
            preProcessor.preProcess(mds);
        }
        return mds;
    }

    @Override
    public MultiDataSet next(int num) {
        throw new UnsupportedOperationException("batch size is fixed by the BatchPlanner");
    }

    @Override
    public boolean hasNext() {
        return cursor < batches.size();
    }

    public int batchesPerEpoch() {
        return batches.size();
    }

    @Override
    public void reset() {
        if (training) {
            epoch++;
        }
        plan();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }
}
