package org.kd4j.imports.tf.rewrite;

import org.tensorflow.framework.AttrValue;
import org.tensorflow.framework.NodeDef;

/**
 * {@code BatchMatMul}/{@code BatchMatMulV2(x, y, adj_x, adj_y)} becomes {@code MatMul(x, y, transpose_a,
 * transpose_b)}. M2.1's ruleset maps both batch ops to ND4J {@code matmul} with {@code beta = 1}, so the product is
 * added to whatever the uninitialised output buffer held (wrong and non-deterministic attention scores); its
 * {@code MatMul} mapping has {@code beta = 0}, and ND4J's {@code matmul} handles batched (rank &gt; 2) operands.
 * The rewritten graph is for the ND4J importer only (TensorFlow's own MatMul is 2-D).
 */
public final class BatchMatMulToMatMul implements TfGraphRewrite {

    @Override
    public String name() {
        return "batch-matmul-to-matmul";
    }

    @Override
    public String reason() {
        return "M2.1 maps BatchMatMul(V2) with beta=1: the result accumulates into uninitialised memory";
    }

    @Override
    public int apply(TfGraph graph) {
        int changed = 0;
        for (String op : new String[] {"BatchMatMul", "BatchMatMulV2"}) {
            for (NodeDef.Builder n : graph.nodesOfOp(op)) {
                AttrValue adjX = n.getAttrOrDefault("adj_x", Attrs.bool(false));
                AttrValue adjY = n.getAttrOrDefault("adj_y", Attrs.bool(false));
                n.setOp("MatMul").removeAttr("adj_x").removeAttr("adj_y").putAttr("transpose_a", adjX)
                        .putAttr("transpose_b", adjY);
                changed++;
            }
        }
        return changed;
    }
}
