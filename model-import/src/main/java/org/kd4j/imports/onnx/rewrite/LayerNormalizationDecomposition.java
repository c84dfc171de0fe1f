package org.kd4j.imports.onnx.rewrite;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * Opset-17 {@code LayerNormalization(X, scale, bias, axis=-1, epsilon)} becomes the exporter's opset-16 form:
 * {@code d = X - ReduceMean(X); Y = d / Sqrt(ReduceMean(d*d) + eps) * scale + bias}. Only the last axis is
 * supported (what every transformer export uses).
 */
public final class LayerNormalizationDecomposition implements GraphRewrite {

    @Override
    public String name() {
        return "layer-normalization-decomposition";
    }

    @Override
    public String reason() {
        return "M2.1 has no import for LayerNormalization (\"No import process defined\")";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("LayerNormalization")) {
                continue;
            }
            if (Nodes.intAttribute(n, "axis", -1) != -1) {
                throw new UnsupportedConstructException(n, "only axis -1 is supported, found axis " + Nodes.intAttribute(n, "axis", -1));
            }
            if (n.getOutputCount() > 1 && n.getOutputList().subList(1, n.getOutputCount()).stream().anyMatch(o -> !o.isEmpty()
                    && !graph.consumers(o).isEmpty())) {
                throw new UnsupportedConstructException(n, "the Mean/InvStdDev outputs are used; only Y is supported");
            }
            float eps = Nodes.floatAttribute(n, "epsilon", 1e-5f);
            String p = n.getName().isEmpty() ? "layer_norm" : n.getName();
            String x = n.getInput(0);
            String mean = graph.fresh(p + "/mean");
            String d = graph.fresh(p + "/centred");
            String sq = graph.fresh(p + "/squared");
            String var = graph.fresh(p + "/variance");
            String epsName = graph.addConstant(p + "/epsilon", Nodes.float32(new long[0], eps));
            String varEps = graph.fresh(p + "/variance_eps");
            String std = graph.fresh(p + "/std");
            String normed = graph.fresh(p + "/normalised");
            boolean hasBias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
            String scaled = hasBias ? graph.fresh(p + "/scaled") : n.getOutput(0);
            List<Onnx.NodeProto> nodes = new ArrayList<>();
            nodes.add(Nodes.node(graph.fresh(p + "/ReduceMean"), "ReduceMean", List.of(x), List.of(mean),
                    Nodes.ints("axes", -1), Nodes.intAttr("keepdims", 1)));
            nodes.add(Nodes.node(graph.fresh(p + "/Sub"), "Sub", List.of(x, mean), List.of(d)));
            nodes.add(Nodes.node(graph.fresh(p + "/Mul"), "Mul", List.of(d, d), List.of(sq)));
            nodes.add(Nodes.node(graph.fresh(p + "/ReduceMean"), "ReduceMean", List.of(sq), List.of(var),
                    Nodes.ints("axes", -1), Nodes.intAttr("keepdims", 1)));
            nodes.add(Nodes.node(graph.fresh(p + "/Add"), "Add", List.of(var, epsName), List.of(varEps)));
            nodes.add(Nodes.node(graph.fresh(p + "/Sqrt"), "Sqrt", List.of(varEps), List.of(std)));
            nodes.add(Nodes.node(graph.fresh(p + "/Div"), "Div", List.of(d, std), List.of(normed)));
            nodes.add(Nodes.node(graph.fresh(p + "/Mul"), "Mul", List.of(normed, n.getInput(1)), List.of(scaled)));
            if (hasBias) {
                nodes.add(Nodes.node(graph.fresh(p + "/Add"), "Add", List.of(scaled, n.getInput(2)), List.of(n.getOutput(0))));
            }
            graph.replace(n, nodes);
            changed++;
        }
        return changed;
    }
}
