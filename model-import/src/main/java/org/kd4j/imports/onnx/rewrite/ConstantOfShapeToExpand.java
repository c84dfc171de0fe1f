package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * {@code ConstantOfShape(shape, value)} becomes {@code Expand(value, shape)} with the value as a one-element
 * initializer (0.0 FLOAT when the attribute is absent, as in ONNX).
 */
public final class ConstantOfShapeToExpand implements GraphRewrite {

    @Override
    public String name() {
        return "constant-of-shape-to-expand";
    }

    @Override
    public String reason() {
        return "M2.1 fails reading ConstantOfShape's tensor attribute when it is stored as raw data (IndexOutOfBounds)";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("ConstantOfShape")) {
                continue;
            }
            Onnx.AttributeProto value = Nodes.attribute(n, "value");
            Onnx.TensorProto.Builder v = value == null ? Nodes.float32(new long[] {1}, 0f) : value.getT().toBuilder();
            if (value != null && Nodes.size(value.getT()) != 1) {
                throw new UnsupportedConstructException(n, "ConstantOfShape value must have one element");
            }
            v.clearDims().addDims(1);
            String p = n.getName().isEmpty() ? "constant_of_shape" : n.getName();
            String valueName = graph.addConstant(p + "/value", v);
            graph.replace(n, List.of(Nodes.node(n.getName(), "Expand", List.of(valueName, n.getInput(0)), n.getOutputList())));
            changed++;
        }
        return changed;
    }
}
