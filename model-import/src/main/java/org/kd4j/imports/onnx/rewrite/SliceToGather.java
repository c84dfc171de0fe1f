package org.kd4j.imports.onnx.rewrite;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.graph.Ranks;

/**
 * A {@code Slice} along one axis with a constant start, step 1 and an end computed at run time (the exporter's
 * {@code position_ids[:, :seq_len]}) becomes {@code Gather(data, Range(start, end, 1), axis)}. The end is taken
 * from before its {@code Unsqueeze} when it was built from a scalar, else squeezed. Slices with constant ends are
 * left alone.
 */
public final class SliceToGather implements GraphRewrite {

    @Override
    public String name() {
        return "dynamic-slice-to-gather";
    }

    @Override
    public String reason() {
        return "M2.1's Slice import evaluates strided_slice eagerly and fails (\"Op validation failed\") when the end is"
                + " only known at run time";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        Ranks ranks = Ranks.of(graph);
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Slice") || n.getInputCount() < 3) {
                continue;
            }
            String endsName = n.getInput(2);
            if (graph.initializer(endsName) != null) {
                continue;
            }
            Onnx.TensorProto starts = graph.initializer(n.getInput(1));
            if (starts == null || Nodes.size(starts) != 1) {
                throw new UnsupportedConstructException(n, "a Slice with a run-time end needs one constant start; found "
                        + (starts == null ? "a run-time start" : Nodes.size(starts) + " starts"));
            }
            long axis = 0;
            if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
                Onnx.TensorProto axes = graph.initializer(n.getInput(3));
                if (axes == null || Nodes.size(axes) != 1) {
                    throw new UnsupportedConstructException(n, "a Slice with a run-time end needs one constant axis");
                }
                axis = Nodes.longs(axes)[0];
            } else if (ranks.rank(n.getInput(0)) != 1) {
                throw new UnsupportedConstructException(n, "a Slice without axes needs a 1-D input");
            }
            if (axis < 0) {
                int r = ranks.rank(n.getInput(0));
                if (r == Ranks.UNKNOWN) {
                    throw new UnsupportedConstructException(n, "negative Slice axis on an input of unknown rank");
                }
                axis += r;
            }
            if (n.getInputCount() > 4 && !n.getInput(4).isEmpty()) {
                Onnx.TensorProto steps = graph.initializer(n.getInput(4));
                if (steps == null || Nodes.longs(steps)[0] != 1) {
                    throw new UnsupportedConstructException(n, "a Slice with a run-time end needs step 1");
                }
            }
            long start = Nodes.longs(starts)[0];
            if (start < 0) {
                throw new UnsupportedConstructException(n, "a Slice with a run-time end needs a start >= 0, found " + start);
            }
            String p = n.getName().isEmpty() ? "slice" : n.getName();
            List<Onnx.NodeProto> nodes = new ArrayList<>();
            String end = scalarEnd(graph, endsName, p, nodes);
            String startName = graph.addConstant(p + "/start", Nodes.int64(new long[0], start));
            String deltaName = graph.addConstant(p + "/delta", Nodes.int64(new long[0], 1));
            String indices = graph.fresh(p + "/indices");
            nodes.add(Nodes.node(graph.fresh(p + "/Range"), "Range", List.of(startName, end, deltaName), List.of(indices)));
            nodes.add(Nodes.node(graph.fresh(p + "/Gather"), "Gather", List.of(n.getInput(0), indices), n.getOutputList(),
                    Nodes.intAttr("axis", axis)));
            graph.replace(n, nodes);
            changed++;
        }
        return changed;
    }

    /** The end as a scalar tensor: the input of the Unsqueeze that built it, or a Squeeze of it. */
    private static String scalarEnd(OnnxGraph graph, String ends, String prefix, List<Onnx.NodeProto> nodes) {
        Onnx.NodeProto producer = graph.producer(ends);
        if (producer != null && producer.getOpType().equals("Unsqueeze")) {
            long[] axes = Ranks.axes(graph, producer);
            if (axes != null && axes.length == 1 && axes[0] == 0 && Ranks.of(graph).rank(producer.getInput(0)) == 0) {
                return producer.getInput(0);
            }
        }
        String scalar = graph.fresh(prefix + "/end");
        nodes.add(AxesForm.squeeze(graph, graph.fresh(prefix + "/SqueezeEnd"), ends, scalar, 0));
        return scalar;
    }
}
