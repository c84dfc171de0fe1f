package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * A {@code Reshape} whose constant shape holds a 0 (ONNX: "copy this dimension of the input", with the default
 * {@code allowzero = 0}) gets that shape computed at run time instead:
 * {@code Gather(Concat(shape, Shape(x)), indices)}, where index i picks the literal {@code shape[i]}, or the input's
 * dimension i where {@code shape[i]} is 0. A {@code -1} stays as it is. Shapes from {@code Constant} nodes are covered
 * because {@link ConstantsToInitializers} runs first; shapes computed at run time are left alone. Nodes still carrying
 * {@code allowzero = 1} (refused by {@link ReshapeAllowZeroRemoval}) are skipped.
 */
public final class ReshapeZeroToInputDims implements GraphRewrite {

    @Override
    public String name() {
        return "reshape-zero-to-input-dims";
    }

    @Override
    public String reason() {
        return "M2.1's Reshape reads a 0 in a constant shape literally and the import fails (\"Op validation failed\")";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Reshape") || Nodes.intAttribute(n, "allowzero", 0) != 0) {
                continue;
            }
            Onnx.TensorProto shapeTensor = graph.initializer(n.getInput(1));
            if (shapeTensor == null) {
                continue;
            }
            long[] shape = Nodes.longs(shapeTensor);
            long[] indices = new long[shape.length];
            boolean zero = false;
            for (int i = 0; i < shape.length; i++) {
                zero |= shape[i] == 0;
                indices[i] = shape[i] == 0 ? shape.length + i : i;
            }
            if (!zero) {
                continue;
            }
            String p = n.getName().isEmpty() ? "reshape" : n.getName();
            String inputShape = graph.fresh(p + "/input_shape");
            String table = graph.fresh(p + "/shape_table");
            String resolved = graph.fresh(p + "/shape");
            String indexName = graph.addConstant(p + "/shape_indices", Nodes.int64Vector(indices));
            graph.replace(n, List.of(
                    Nodes.node(graph.fresh(p + "/Shape"), "Shape", List.of(n.getInput(0)), List.of(inputShape)),
                    Nodes.node(graph.fresh(p + "/Concat"), "Concat", List.of(n.getInput(1), inputShape), List.of(table),
                            Nodes.intAttr("axis", 0)),
                    Nodes.node(graph.fresh(p + "/Gather"), "Gather", List.of(table, indexName), List.of(resolved),
                            Nodes.intAttr("axis", 0)),
                    n.toBuilder().setInput(1, resolved).build()));
            changed++;
        }
        return changed;
    }
}
