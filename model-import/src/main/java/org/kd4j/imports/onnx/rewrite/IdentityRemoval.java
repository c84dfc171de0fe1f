package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * {@code Identity} nodes disappear: readers read the Identity's input; when the Identity feeds a graph output,
 * the producer's output takes the output's name instead.
 */
public final class IdentityRemoval implements GraphRewrite {

    @Override
    public String name() {
        return "identity-removal";
    }

    @Override
    public String reason() {
        return "M2.1 loses Identity graph outputs (\"Requested output variable does not exist\")";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Identity")) {
                continue;
            }
            String in = n.getInput(0);
            String out = n.getOutput(0);
            boolean inIsProduced = graph.producer(in) != null && !graph.isGraphOutput(in);
            if (graph.isGraphOutput(out) && inIsProduced) {
                graph.replace(n, List.of());
                graph.renameTensor(in, out);
            } else if (!graph.isGraphOutput(out)) {
                graph.replace(n, List.of());
                graph.rewireUses(out, in);
            } else {
                // an output that copies an input or initializer, or another output: keep it as a real node
                continue;
            }
            changed++;
        }
        return changed;
    }
}
