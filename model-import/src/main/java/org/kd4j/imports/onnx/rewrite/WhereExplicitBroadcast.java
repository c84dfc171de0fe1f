package org.kd4j.imports.onnx.rewrite;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.graph.Ranks;

/**
 * {@code Where(c, x, y)} gets its three operands expanded to their common broadcast shape, computed as
 * {@code Shape(Cast(c) + Cast(x) + Cast(y))} in FLOAT (the values do not matter, only the shape); the condition is
 * expanded as FLOAT and cast back to BOOL. Left alone when all three are 1-D of the same known length (torch's
 * dynamic {@code expand} sizes). Run before {@link NonFloatExpand}, which fixes the Expands of integer operands.
 */
public final class WhereExplicitBroadcast implements GraphRewrite {

    @Override
    public String name() {
        return "where-explicit-broadcast";
    }

    @Override
    public String reason() {
        return "M2.1's Where does not broadcast: a scalar fill value or a [B,1,1,L] mask against [B,H,L,L] scores fails"
                + " (\"Op validation failed\")";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        Ranks ranks = Ranks.of(graph);
        DTypes types = DTypes.of(graph);
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Where") || sameVectorShape(ranks, n)) {
                continue;
            }
            String p = n.getName().isEmpty() ? "where" : n.getName();
            List<Onnx.NodeProto> nodes = new ArrayList<>();
            List<String> floats = new ArrayList<>();
            for (String in : n.getInputList()) {
                int type = types.of(in);
                if (type == DTypes.UNKNOWN) {
                    throw new UnsupportedConstructException(n, "Where operand '" + in + "' of unknown element type");
                }
                floats.add(type == DTypes.FLOAT ? in : cast(graph, nodes, p + "/operand_float", in, DTypes.FLOAT));
            }
            String partial = graph.fresh(p + "/shape_probe");
            String probe = graph.fresh(p + "/shape_probe");
            String shape = graph.fresh(p + "/common_shape");
            nodes.add(Nodes.node(graph.fresh(p + "/Probe"), "Add", List.of(floats.get(0), floats.get(1)), List.of(partial)));
            nodes.add(Nodes.node(graph.fresh(p + "/Probe"), "Add", List.of(partial, floats.get(2)), List.of(probe)));
            nodes.add(Nodes.node(graph.fresh(p + "/CommonShape"), "Shape", List.of(probe), List.of(shape)));
            String condition = expand(graph, nodes, p + "/condition", floats.get(0), shape);
            condition = cast(graph, nodes, p + "/condition_bool", condition, DTypes.BOOL);
            String x = expand(graph, nodes, p + "/x", n.getInput(1), shape);
            String y = expand(graph, nodes, p + "/y", n.getInput(2), shape);
            nodes.add(n.toBuilder().clearInput().addAllInput(List.of(condition, x, y)).build());
            graph.replace(n, nodes);
            changed++;
        }
        return changed;
    }

    private static boolean sameVectorShape(Ranks ranks, Onnx.NodeProto n) {
        int length = ranks.length(n.getInput(0));
        return n.getInputList().stream().allMatch(s -> ranks.rank(s) == 1 && ranks.length(s) != Ranks.UNKNOWN
                && ranks.length(s) == length);
    }

    private static String cast(OnnxGraph graph, List<Onnx.NodeProto> nodes, String prefix, String in, int to) {
        String out = graph.fresh(prefix);
        nodes.add(Nodes.node(graph.fresh(prefix + "/Cast"), "Cast", List.of(in), List.of(out), Nodes.intAttr("to", to)));
        return out;
    }

    private static String expand(OnnxGraph graph, List<Onnx.NodeProto> nodes, String prefix, String in, String shape) {
        String out = graph.fresh(prefix + "_expanded");
        nodes.add(Nodes.node(graph.fresh(prefix + "/Expand"), "Expand", List.of(in, shape), List.of(out)));
        return out;
    }
}
