package org.kd4j.imports.onnx.rewrite;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * {@code CumSum} over an integer tensor becomes {@code Cast(CumSum(Cast(x, FLOAT), axis), type)}: exact while the
 * running sums stay below 2^24 (RoBERTa's position ids count non-padding tokens, at most the sequence length).
 */
public final class IntegerCumSumAsFloat implements GraphRewrite {

    @Override
    public String name() {
        return "integer-cumsum-as-float";
    }

    @Override
    public String reason() {
        return "M2.1's cumsum fails on INT32/INT64 inputs (\"Op validation failed\", seen as applyTrueBroadcast during"
                + " import); FLOAT works";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        DTypes types = DTypes.of(graph);
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("CumSum")) {
                continue;
            }
            int type = types.of(n.getInput(0));
            if (type == DTypes.UNKNOWN) {
                throw new UnsupportedConstructException(n, "CumSum over an input of unknown element type");
            }
            if (!DTypes.isInteger(type)) {
                continue;
            }
            String p = n.getName().isEmpty() ? "cumsum" : n.getName();
            String asFloat = graph.fresh(p + "/as_float");
            String summed = graph.fresh(p + "/float_sum");
            List<String> inputs = new ArrayList<>(n.getInputList());
            inputs.set(0, asFloat);
            graph.replace(n, List.of(
                    Nodes.node(graph.fresh(p + "/ToFloat"), "Cast", List.of(n.getInput(0)), List.of(asFloat),
                            Nodes.intAttr("to", DTypes.FLOAT)),
                    n.toBuilder().clearInput().addAllInput(inputs).clearOutput().addOutput(summed).build(),
                    Nodes.node(graph.fresh(p + "/Back"), "Cast", List.of(summed), n.getOutputList(), Nodes.intAttr("to", type))));
            changed++;
        }
        return changed;
    }
}
