package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.graph.Ranks;

/**
 * {@code Gather(data, i, axis)} with a constant scalar index (CLS pooling {@code hidden[:, 0]}, and
 * {@code Shape(x)[k]}) becomes a Gather with the one-element index {@code [i]} followed by a removal of that axis:
 * a {@code Squeeze} for 1-D data, a {@code ReduceMean} over the one-element axis with keepdims 0 otherwise (exact;
 * M2.1's imported Squeeze also drops a batch axis of size 1).
 */
public final class ScalarGatherToSqueeze implements GraphRewrite {

    @Override
    public String name() {
        return "scalar-gather-to-squeeze";
    }

    @Override
    public String reason() {
        return "M2.1 does not reduce the rank for a scalar Gather index";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        Ranks ranks = Ranks.of(graph);
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Gather")) {
                continue;
            }
            Onnx.TensorProto index = graph.initializer(n.getInput(1));
            if (index == null || index.getDimsCount() != 0) {
                continue;
            }
            long axis = Nodes.intAttribute(n, "axis", 0);
            if (axis < 0) {
                int r = ranks.rank(n.getInput(0));
                if (r == Ranks.UNKNOWN) {
                    throw new UnsupportedConstructException(n, "negative Gather axis on an input of unknown rank");
                }
                axis += r;
            }
            String p = n.getName().isEmpty() ? "gather" : n.getName();
            String vector = graph.addConstant(p + "/index", Nodes.int64Vector(Nodes.longs(index)[0]));
            String gathered = graph.fresh(p + "/gathered");
            int rank = ranks.rank(n.getInput(0));
            if (rank == Ranks.UNKNOWN) {
                throw new UnsupportedConstructException(n, "scalar Gather on an input of unknown rank");
            }
            Onnx.NodeProto drop = rank == 1
                    ? AxesForm.squeeze(graph, graph.fresh(p + "/Squeeze"), gathered, n.getOutput(0), axis)
                    : Nodes.node(graph.fresh(p + "/DropAxis"), "ReduceMean", List.of(gathered), List.of(n.getOutput(0)),
                            Nodes.ints("axes", axis), Nodes.intAttr("keepdims", 0));
            graph.replace(n, List.of(
                    Nodes.node(n.getName(), "Gather", List.of(n.getInput(0), vector), List.of(gathered), Nodes.intAttr("axis", axis)),
                    drop));
            changed++;
        }
        return changed;
    }
}
