package org.kd4j.imports.onnx.rewrite;

import java.util.LinkedHashSet;
import java.util.Set;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * Tensor names with a colon (the exporter's {@code onnx::MatMul_100}, TF-converted {@code input_ids:0}) are renamed,
 * the colons replaced by underscores; graph inputs keep their names (the contract mapping renames those).
 */
public final class SafeTensorNames implements GraphRewrite {

    @Override
    public String name() {
        return "safe-tensor-names";
    }

    @Override
    public String reason() {
        return "M2.1 resolves a name containing ':' as an output index of another variable (\"No variable name found for"
                + " onnx::MatMul_100\")";
    }

    @Override
    public int apply(OnnxGraph graph) {
        Set<String> unsafe = new LinkedHashSet<>();
        for (Onnx.NodeProto n : graph.nodes()) {
            n.getInputList().stream().filter(s -> s.contains(":")).forEach(unsafe::add);
            n.getOutputList().stream().filter(s -> s.contains(":")).forEach(unsafe::add);
        }
        graph.initializers().keySet().stream().filter(s -> s.contains(":")).forEach(unsafe::add);
        int changed = 0;
        for (String name : unsafe) {
            if (graph.isGraphInput(name)) {
                continue;
            }
            graph.renameTensor(name, graph.fresh(name.replace(':', '_')));
            changed++;
        }
        return changed;
    }
}
