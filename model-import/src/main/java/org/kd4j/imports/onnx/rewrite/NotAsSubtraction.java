package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * {@code Not(b)} becomes {@code Cast(Sub(1.0, Cast(b, FLOAT)), BOOL)} (exact on booleans). RoBERTa's position ids
 * start with {@code Not(Equal(input_ids, padding_idx))}.
 */
public final class NotAsSubtraction implements GraphRewrite {

    @Override
    public String name() {
        return "not-as-subtraction";
    }

    @Override
    public String reason() {
        return "M2.1's imported Not returns all false, whatever its input";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Not")) {
                continue;
            }
            String p = n.getName().isEmpty() ? "not" : n.getName();
            String one = graph.addConstant(p + "/one", Nodes.float32(new long[0], 1f));
            String asFloat = graph.fresh(p + "/as_float");
            String inverted = graph.fresh(p + "/inverted");
            graph.replace(n, List.of(
                    Nodes.node(graph.fresh(p + "/ToFloat"), "Cast", List.of(n.getInput(0)), List.of(asFloat),
                            Nodes.intAttr("to", DTypes.FLOAT)),
                    Nodes.node(graph.fresh(p + "/Invert"), "Sub", List.of(one, asFloat), List.of(inverted)),
                    Nodes.node(n.getName(), "Cast", List.of(inverted), n.getOutputList(), Nodes.intAttr("to", DTypes.BOOL))));
            changed++;
        }
        return changed;
    }
}
