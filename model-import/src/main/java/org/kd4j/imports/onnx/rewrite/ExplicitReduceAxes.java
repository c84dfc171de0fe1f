package org.kd4j.imports.onnx.rewrite;

import java.util.Set;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.graph.Ranks;

/**
 * Reductions get an explicit {@code keepdims} and non-negative axes (in an {@code axes} attribute, or in the
 * constant axes input from opset 13 for ReduceSum).
 */
public final class ExplicitReduceAxes implements GraphRewrite {

    private static final Set<String> REDUCTIONS = Set.of("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd");

    @Override
    public String name() {
        return "explicit-reduce-axes";
    }

    @Override
    public String reason() {
        return "M2.1 reads a missing keepdims as 0 (ONNX default 1) and gives wrong values for keepdims=1 with a negative axis";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        Ranks ranks = Ranks.of(graph);
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!REDUCTIONS.contains(n.getOpType())) {
                continue;
            }
            long[] axes = Ranks.axes(graph, n);
            if (axes == null) {
                throw new UnsupportedConstructException(n, "reduction axes must be constant (all-axes reductions are not supported)");
            }
            int rank = ranks.rank(n.getInput(0));
            long[] positive = axes.clone();
            boolean negative = false;
            for (int i = 0; i < positive.length; i++) {
                if (positive[i] < 0) {
                    negative = true;
                    if (rank == Ranks.UNKNOWN) {
                        throw new UnsupportedConstructException(n, "negative reduction axis on an input of unknown rank");
                    }
                    positive[i] += rank;
                }
            }
            boolean keepMissing = Nodes.attribute(n, "keepdims") == null;
            if (!negative && !keepMissing) {
                continue;
            }
            Onnx.NodeProto updated = Nodes.withAttribute(n, Nodes.intAttr("keepdims", Nodes.intAttribute(n, "keepdims", 1)));
            if (Nodes.intsAttribute(n, "axes") != null) {
                updated = Nodes.withAttribute(updated, Nodes.ints("axes", positive));
            } else {
                String axesName = graph.addConstant(n.getName() + "/axes", Nodes.int64Vector(positive));
                updated = updated.toBuilder().setInput(1, axesName).build();
            }
            graph.replace(n, java.util.List.of(updated));
            changed++;
        }
        return changed;
    }
}
