package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/** Builds Squeeze/Unsqueeze nodes in the form of the graph's opset: axes attribute before 13, axes input from 13. */
final class AxesForm {

    private AxesForm() {}

    static Onnx.NodeProto squeeze(OnnxGraph graph, String name, String in, String out, long... axes) {
        return make(graph, "Squeeze", name, in, out, axes);
    }

    static Onnx.NodeProto unsqueeze(OnnxGraph graph, String name, String in, String out, long... axes) {
        return make(graph, "Unsqueeze", name, in, out, axes);
    }

    private static Onnx.NodeProto make(OnnxGraph graph, String op, String name, String in, String out, long... axes) {
        if (graph.opset() >= 13) {
            String axesName = graph.addConstant(name + "/axes", Nodes.int64Vector(axes));
            return Nodes.node(name, op, List.of(in, axesName), List.of(out));
        }
        return Nodes.node(name, op, List.of(in), List.of(out), Nodes.ints("axes", axes));
    }
}
