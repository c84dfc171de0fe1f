package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * Drops {@code Reshape}'s opset-14 {@code allowzero = 0} attribute (the default, which exporters write out);
 * {@code allowzero = 1} is refused.
 */
public final class ReshapeAllowZeroRemoval implements GraphRewrite {

    @Override
    public String name() {
        return "reshape-allowzero-removal";
    }

    @Override
    public String reason() {
        return "M2.1's Reshape import fails with an NPE (\"null cannot be cast to List<Int>\") when the node has attributes";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Reshape") || Nodes.attribute(n, "allowzero") == null) {
                continue;
            }
            if (Nodes.intAttribute(n, "allowzero", 0) != 0) {
                throw new UnsupportedConstructException(n, "Reshape with allowzero=1 is not supported");
            }
            graph.replace(n, List.of(Nodes.withoutAttribute(n, "allowzero")));
            changed++;
        }
        return changed;
    }
}
