package org.kd4j.imports.contract;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kd4j.imports.ImportException;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a freshly imported graph once on a batch of two rows (the second padded) to check it: outputs of the contract's
 * ranks, batch 2, finite values. Returns the size of the first output's last axis (labels or hidden size).
 */
public final class Probe {

    private Probe() {}

    public static long run(SameDiff sd, List<String> inputs, Head head, List<String> outputs, String source) {
        int length = 3;
        long[] declared = sd.getVariable(GraphContract.INPUT_IDS).getShape();
        if (declared != null && declared.length == 2 && declared[1] > 0) {
            length = (int) declared[1]; // a graph exported with a fixed sequence length
        }
        Map<String, INDArray> feed = new LinkedHashMap<>();
        for (String in : inputs) {
            long[][] v = new long[2][length];
            for (int t = 0; t < length; t++) {
                boolean padded = t == length - 1; // the second row's last token is padding
                switch (in) {
                    case GraphContract.ATTENTION_MASK -> {
                        v[0][t] = 1;
                        v[1][t] = padded ? 0 : 1;
                    }
                    case GraphContract.INPUT_IDS -> {
                        v[0][t] = 1 + t % 3;
                        v[1][t] = padded ? 0 : 1 + (t + 1) % 3;
                    }
                    default -> { } // token types 0
                }
            }
            INDArray a = Nd4j.createFromArray(v);
            feed.put(in, a.castTo(sd.getVariable(in).dataType()));
        }
        Map<String, INDArray> out;
        try {
            out = sd.output(feed, outputs);
        } catch (RuntimeException e) {
            throw new ImportException(source + ": the imported graph fails on a 2 x " + length + " batch: " + e.getMessage(), e);
        }
        String first = outputs.get(0);
        INDArray a = out.get(first);
        int expectedRank = head == Head.CLASSIFIER ? 2 : 3;
        if (a == null || a.rank() != expectedRank || a.size(0) != 2) {
            throw new ImportException(source + ": output '" + first + "' of the imported graph has shape "
                    + (a == null ? "none" : Arrays.toString(a.shape())) + ", expected rank " + expectedRank + " with batch 2");
        }
        for (Map.Entry<String, INDArray> e : out.entrySet()) {
            if (e.getValue().isNaN().any() || e.getValue().isInfinite().any()) {
                throw new ImportException(source + ": output '" + e.getKey() + "' of the imported graph is NaN or infinite on a"
                        + " 2 x " + length + " batch");
            }
        }
        return a.size(a.rank() - 1);
    }
}
