package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.graph.Ranks;

/**
 * A linear layer {@code MatMul(X [.., K], W [K, N])} with X of rank 3 or more and a constant 2-D W becomes
 * {@code Reshape(MatMul(Reshape(X, [-1, K]), W), Concat(Shape(X)[:-1], [N]))}.
 */
public final class LinearMatMulFlatten implements GraphRewrite {

    @Override
    public String name() {
        return "linear-matmul-flatten";
    }

    @Override
    public String reason() {
        return "M2.1's matmul does not broadcast a 2-D weight over a 3-D input (\"Op matmul failed\")";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        Ranks ranks = Ranks.of(graph);
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("MatMul")) {
                continue;
            }
            int rx = ranks.rank(n.getInput(0));
            int rw = ranks.rank(n.getInput(1));
            if (rw != 2 || rx == 2) {
                continue;
            }
            if (rx == Ranks.UNKNOWN) {
                throw new UnsupportedConstructException(n, "MatMul with a 2-D weight and an input of unknown rank");
            }
            Onnx.TensorProto w = graph.initializer(n.getInput(1));
            if (w == null) {
                throw new UnsupportedConstructException(n, "MatMul of a rank-" + rx + " input by a run-time 2-D matrix");
            }
            long k = w.getDims(0);
            long out = w.getDims(1);
            String p = n.getName().isEmpty() ? "matmul" : n.getName();
            long[] lead = new long[rx - 1];
            for (int i = 0; i < lead.length; i++) {
                lead[i] = i;
            }
            String flatShape = graph.addConstant(p + "/flat_shape", Nodes.int64Vector(-1, k));
            String leadIdx = graph.addConstant(p + "/lead_axes", Nodes.int64Vector(lead));
            String outDim = graph.addConstant(p + "/out_dim", Nodes.int64Vector(out));
            String flat = graph.fresh(p + "/flat");
            String product = graph.fresh(p + "/product");
            String shape = graph.fresh(p + "/input_shape");
            String leadDims = graph.fresh(p + "/lead_dims");
            String outShape = graph.fresh(p + "/output_shape");
            graph.replace(n, List.of(
                    Nodes.node(graph.fresh(p + "/Flatten"), "Reshape", List.of(n.getInput(0), flatShape), List.of(flat)),
                    Nodes.node(n.getName(), "MatMul", List.of(flat, n.getInput(1)), List.of(product)),
                    Nodes.node(graph.fresh(p + "/Shape"), "Shape", List.of(n.getInput(0)), List.of(shape)),
                    Nodes.node(graph.fresh(p + "/LeadDims"), "Gather", List.of(shape, leadIdx), List.of(leadDims), Nodes.intAttr("axis", 0)),
                    Nodes.node(graph.fresh(p + "/OutShape"), "Concat", List.of(leadDims, outDim), List.of(outShape), Nodes.intAttr("axis", 0)),
                    Nodes.node(graph.fresh(p + "/Unflatten"), "Reshape", List.of(product, outShape), n.getOutputList())));
            changed++;
        }
        return changed;
    }
}
