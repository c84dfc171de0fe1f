package org.kd4j.distill.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kd4j.model.embed.EmbeddingTable;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Global-norm gradient clipping: {@code g <- g * min(1, maxNorm / ||(all g)||_2)} over weights and embedding rows. */
final class GradientClipping {

    private GradientClipping() {}

    /** Scales all gradients in place so that their global L2 norm is at most {@code maxNorm}; {@code maxNorm <= 0}: off. */
    static void clip(Map<String, INDArray> grads, Map<String, EmbeddingTable.RowGradient> rowGrads, double maxNorm) {
        if (maxNorm <= 0) {
            return;
        }
        List<INDArray> all = new ArrayList<>(grads.values());
        rowGrads.values().forEach(g -> all.add(g.values()));
        double sumSquares = 0;
        for (INDArray g : all) {
            double n = g.norm2Number().doubleValue();
            sumSquares += n * n;
        }
        double norm = Math.sqrt(sumSquares);
        if (norm > maxNorm) {
            double scale = maxNorm / norm;
            all.forEach(g -> g.muli(scale));
        }
    }
}
