package org.kd4j.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** What every native classifier graph shares: the input contract, dense layers, masked pooling. */
abstract class GraphBuilder {

    static final double INIT_STD = 0.02;
    /** Added to masked-out positions before a softmax or a max. */
    static final double MASK_NEG = -10_000.0;

    protected final SameDiff sd = SameDiff.create();
    protected final DataType type;

    GraphBuilder(DataType type) {
        this.type = type;
    }

    /** The embeddings variable ({@code [batch, length, dim]}). */
    SDVariable embeddings(int dim) {
        return sd.var(ClassifierGraph.EMBEDDINGS, type, 1, 1, dim);
    }

    /** The attention-mask placeholder ({@code [batch, length]}). */
    SDVariable mask() {
        return sd.placeHolder(ClassifierGraph.MASK, type, -1, -1);
    }

    /** {@code x W + b} with W ~ N(0, 0.02^2), b = 0; x is {@code [rows, in]}. */
    SDVariable linear(String name, SDVariable x, int in, int out) {
        SDVariable w = sd.var(name + "_w", Nd4j.randn(type, in, out).muli(INIT_STD));
        SDVariable b = sd.var(name + "_b", Nd4j.zeros(type, 1, out));
        return x.mmul(w).add(b);
    }

    /** Layer norm over the last axis of a {@code [rows, dim]} matrix. */
    SDVariable layerNorm(String name, SDVariable x, int dim) {
        SDVariable gain = sd.var(name + "_g", Nd4j.ones(type, dim));
        SDVariable bias = sd.var(name + "_b", Nd4j.zeros(type, dim));
        return sd.nn().layerNorm(x, gain, bias, false, 1);
    }

    /**
     * Max over the length axis of {@code [batch, length, dim]}, padding positions excluded. Written as a weighted sum,
     * {@code sum_t x[t] w[t]} with {@code w[t] = 1 / k} at the k positions that hold the max and 0 elsewhere (the
     * weights come from a comparison, so no gradient flows through them): the same value, and the same gradient as the
     * max's, split evenly between tied positions. Its backward is a product and a sum; M2.1's {@code reduce_max_bp}
     * took about 5 ms a call at {@code [32, 14, 600]}, more than the rest of a BiLSTM head's graph together
     * ({@code HeadGraphProbe}).
     */
    SDVariable maskedMax(SDVariable states, SDVariable mask) {
        SDVariable bias = sd.expandDims(mask.rsub(1.0).mul(MASK_NEG), 2);
        SDVariable masked = states.add(bias);
        SDVariable atMax = sd.eq(masked, masked.max(true, 1)).castTo(type);
        return masked.mul(atMax.div(atMax.sum(true, 1))).sum(1);
    }

    /** The pooled representation the head reads, named {@link ClassifierGraph#FEATURES} (an identity op). */
    SDVariable features(SDVariable pooled) {
        return sd.identity(ClassifierGraph.FEATURES, pooled);
    }

    /** Names the head's output {@link ClassifierGraph#LOGITS} and wraps the graph. */
    ClassifierGraph finish(SDVariable logits, int outputs) {
        sd.updateVariableNameAndReference(logits, ClassifierGraph.LOGITS);
        return new ClassifierGraph(sd, outputs);
    }

    SDVariable longs(long... values) {
        return sd.constant(Nd4j.createFromArray(values));
    }
}
