package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/** {@code Pow(x, 2)} with a constant exponent 2 becomes {@code Mul(x, x)} (exact, and cheaper). */
public final class SquarePowToMul implements GraphRewrite {

    @Override
    public String name() {
        return "square-pow-to-mul";
    }

    @Override
    public String reason() {
        return "M2.1 throws IndexOutOfBoundsException importing Pow with a constant exponent";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Pow")) {
                continue;
            }
            Onnx.TensorProto exponent = graph.initializer(n.getInput(1));
            if (exponent == null || Nodes.size(exponent) != 1 || Nodes.scalar(exponent) != 2.0) {
                continue;
            }
            graph.replace(n, List.of(Nodes.node(n.getName(), "Mul", List.of(n.getInput(0), n.getInput(0)), n.getOutputList())));
            changed++;
        }
        return changed;
    }
}
