package org.kd4j.probe;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * For the probes: a SameDiff listener summing nanoseconds and calls per op name while {@link #on} (single-threaded: one
 * start time). With {@code productShapes}, matrix products are told apart by their output shape.
 */
final class OpTimes extends BaseListener {
    /** Per op name: {@code [nanoseconds, calls]}. */
    final Map<String, long[]> byOp = new TreeMap<>();
    private final boolean productShapes;
    private long start;
    boolean on;

    OpTimes(boolean productShapes) {
        this.productShapes = productShapes;
    }

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext ctx) {
        start = System.nanoTime();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
        if (!on) {
            return;
        }
        long nanos = System.nanoTime() - start;
        String name = op.getOp().opName();
        if (productShapes && (name.equals("matmul") || name.equals("mmul"))) {
            name += " " + Arrays.toString(outputs[0].shape());
        }
        long[] t = byOp.computeIfAbsent(name, k -> new long[2]);
        t[0] += nanos;
        t[1]++;
    }

    /** Nanoseconds of all ops so far. */
    long totalNanos() {
        return byOp.values().stream().mapToLong(t -> t[0]).sum();
    }
}
