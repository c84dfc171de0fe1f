package org.kd4j.imports.student;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * For training: a {@code Gather} of computed (non-shape) data with a constant one-element index {@code [i]}, i >= 0
 * (CLS pooling {@code hidden[:, 0]} after the import's scalar-gather rewrite), becomes
 * {@code Slice(data, [i], [i + 1], [axis])}, because M2.1 cannot differentiate Gather; a Slice with constant bounds
 * imports as a strided slice, which it can.
 */
final class GatherToSlice {

    private GatherToSlice() {}

    /** Returns how many Gathers were replaced. */
    static int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Gather") || n.getInputCount() != 2 || graph.initializer(n.getInput(0)) != null) {
                continue;
            }
            Onnx.NodeProto data = graph.producer(n.getInput(0));
            Onnx.TensorProto index = graph.initializer(n.getInput(1));
            if (data == null || data.getOpType().equals("Shape") || index == null || Nodes.size(index) != 1
                    || index.getDimsCount() != 1) {
                continue;
            }
            long i = Nodes.longs(index)[0];
            if (i < 0) {
                continue;
            }
            long axis = Nodes.intAttribute(n, "axis", 0);
            String starts = graph.addConstant("slice_start", Nodes.int64Vector(i));
            String ends = graph.addConstant("slice_end", Nodes.int64Vector(i + 1));
            String axes = graph.addConstant("slice_axis", Nodes.int64Vector(axis));
            graph.replace(n, List.of(Nodes.node(graph.fresh("Slice_" + n.getName()), "Slice",
                    List.of(n.getInput(0), starts, ends, axes), List.of(n.getOutput(0)))));
            changed++;
        }
        return changed;
    }
}
