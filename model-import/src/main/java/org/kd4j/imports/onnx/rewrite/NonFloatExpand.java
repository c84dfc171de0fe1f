package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * {@code Expand(x, shape)} of a non-FLOAT {@code x} is built from a FLOAT Expand, which M2.1 gets right: an integer
 * {@code x} becomes {@code Add(x, Cast(Expand(0.0, shape), type))} (exact), a boolean {@code x} becomes
 * {@code Cast(Expand(Cast(x, FLOAT), shape), BOOL)} (exact on 0/1).
 */
public final class NonFloatExpand implements GraphRewrite {

    @Override
    public String name() {
        return "non-float-expand";
    }

    @Override
    public String reason() {
        return "M2.1's Expand multiplies by FLOAT ones: an integer input comes out FLOAT (\"Input datatypes must be same"
                + " type: got [LONG, FLOAT]\" downstream) and a BOOL input fails (\"applyTrueBroadcast ... wrong type\")";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        DTypes types = DTypes.of(graph);
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Expand")) {
                continue;
            }
            int type = types.of(n.getInput(0));
            if (type == DTypes.FLOAT) {
                continue;
            }
            String p = n.getName().isEmpty() ? "expand" : n.getName();
            if (type == DTypes.BOOL) {
                String asFloat = graph.fresh(p + "/as_float");
                String expanded = graph.fresh(p + "/expanded");
                graph.replace(n, List.of(
                        Nodes.node(graph.fresh(p + "/ToFloat"), "Cast", List.of(n.getInput(0)), List.of(asFloat),
                                Nodes.intAttr("to", DTypes.FLOAT)),
                        Nodes.node(n.getName(), "Expand", List.of(asFloat, n.getInput(1)), List.of(expanded)),
                        Nodes.node(graph.fresh(p + "/ToBool"), "Cast", List.of(expanded), n.getOutputList(),
                                Nodes.intAttr("to", DTypes.BOOL))));
            } else if (DTypes.isInteger(type)) {
                String zero = graph.addConstant(p + "/zero", Nodes.float32(new long[] {1}, 0f));
                String zeros = graph.fresh(p + "/zeros");
                String typedZeros = graph.fresh(p + "/typed_zeros");
                graph.replace(n, List.of(
                        Nodes.node(n.getName(), "Expand", List.of(zero, n.getInput(1)), List.of(zeros)),
                        Nodes.node(graph.fresh(p + "/ToType"), "Cast", List.of(zeros), List.of(typedZeros), Nodes.intAttr("to", type)),
                        Nodes.node(graph.fresh(p + "/Broadcast"), "Add", List.of(n.getInput(0), typedZeros), n.getOutputList())));
            } else {
                throw new UnsupportedConstructException(n, "Expand of element type " + type + " (only FLOAT, BOOL and integers)");
            }
            changed++;
        }
        return changed;
    }
}
