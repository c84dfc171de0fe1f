package org.kd4j.imports.onnx.graph;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;

/**
 * Static ranks of the tensors of a graph (and the lengths of 1-D integer tensors, which give the rank of
 * {@code Reshape}/{@code Expand} outputs), inferred from the graph inputs and initializers through the ops that
 * BERT-family exports contain. A rank that cannot be inferred is {@link #UNKNOWN}; rewrites that need it report the
 * node.
 */
public final class Ranks {

    public static final int UNKNOWN = -1;

    private static final Set<String> SAME_AS_FIRST = Set.of("Cast", "Erf", "Tanh", "Relu", "Sqrt", "Neg", "Not", "Sigmoid",
            "Softmax", "LogSoftmax", "Identity", "Exp", "Log", "Abs", "CumSum", "Dropout", "Transpose", "Slice",
            "LayerNormalization", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Tile", "Clip", "Gelu");
    private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Equal", "Where", "Less",
            "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Max", "Min", "Mod", "MatMul");

    private final Map<String, Integer> rank = new HashMap<>();
    private final Map<String, Integer> length = new HashMap<>();

    private Ranks() {}

    /** Infers ranks for every tensor of the graph. */
    public static Ranks of(OnnxGraph graph) {
        Ranks r = new Ranks();
        for (Onnx.ValueInfoProto in : graph.inputs()) {
            r.rank.put(in.getName(), in.getType().getTensorType().getShape().getDimCount());
        }
        for (Onnx.TensorProto t : graph.initializers().values()) {
            r.rank.put(t.getName(), t.getDimsCount());
            if (t.getDimsCount() == 1) {
                r.length.put(t.getName(), (int) t.getDims(0));
            }
        }
        for (Onnx.NodeProto n : graph.nodes()) {
            r.visit(graph, n);
        }
        return r;
    }

    /** Rank of the tensor, or {@link #UNKNOWN}. */
    public int rank(String tensor) {
        return rank.getOrDefault(tensor, UNKNOWN);
    }

    /** Length of a 1-D tensor, or {@link #UNKNOWN}. */
    public int length(String tensor) {
        return length.getOrDefault(tensor, UNKNOWN);
    }

    private int in(Onnx.NodeProto n, int i) {
        return i < n.getInputCount() && !n.getInput(i).isEmpty() ? rank(n.getInput(i)) : UNKNOWN;
    }

    private void visit(OnnxGraph graph, Onnx.NodeProto n) {
        String op = n.getOpType();
        int r = UNKNOWN;
        String out = n.getOutputCount() > 0 ? n.getOutput(0) : null;
        if (SAME_AS_FIRST.contains(op)) {
            r = in(n, 0);
            if (r == 1 && length(n.getInput(0)) != UNKNOWN && !op.equals("Slice") && !op.equals("Tile")) {
                length.put(out, length(n.getInput(0)));
            }
        } else if (BROADCAST.contains(op)) {
            r = maxKnown(n);
            if (r == 1 && !op.equals("MatMul")) {
                n.getInputList().stream().mapToInt(this::length).filter(l -> l > 1).max()
                        .ifPresentOrElse(l -> length.put(out, l), () -> length.put(out, 1));
            }
        } else {
            switch (op) {
                case "Shape" -> {
                    r = 1;
                    if (in(n, 0) != UNKNOWN) {
                        length.put(out, in(n, 0));
                    }
                }
                case "Size" -> r = 0;
                case "Gemm" -> r = 2;
                case "Range" -> r = 1;
                case "Gather" -> {
                    int data = in(n, 0);
                    int idx = in(n, 1);
                    r = data == UNKNOWN || idx == UNKNOWN ? UNKNOWN : data - 1 + idx;
                    if (r == 1 && idx == 1) {
                        int l = length(n.getInput(1));
                        if (l != UNKNOWN) {
                            length.put(out, l);
                        }
                    }
                }
                case "Unsqueeze" -> {
                    int k = axesCount(graph, n);
                    r = in(n, 0) == UNKNOWN || k == UNKNOWN ? UNKNOWN : in(n, 0) + k;
                    if (r == 1) {
                        length.put(out, 1);
                    }
                }
                case "Squeeze" -> {
                    int k = axesCount(graph, n);
                    r = in(n, 0) == UNKNOWN || k == UNKNOWN ? UNKNOWN : in(n, 0) - k;
                }
                case "Concat" -> {
                    r = maxKnown(n);
                    if (r == 1) {
                        int total = 0;
                        for (String s : n.getInputList()) {
                            int l = length(s);
                            if (l == UNKNOWN) {
                                total = UNKNOWN;
                                break;
                            }
                            total += l;
                        }
                        if (total != UNKNOWN) {
                            length.put(out, total);
                        }
                    }
                }
                case "Reshape", "ConstantOfShape" -> r = length(n.getInput(n.getOpType().equals("Reshape") ? 1 : 0));
                case "Expand" -> {
                    int l = length(n.getInput(1));
                    r = l == UNKNOWN || in(n, 0) == UNKNOWN ? UNKNOWN : Math.max(l, in(n, 0));
                }
                case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd" -> {
                    boolean keep = Nodes.intAttribute(n, "keepdims", 1) != 0;
                    int k = axesCount(graph, n);
                    r = keep ? in(n, 0) : (in(n, 0) == UNKNOWN || k == UNKNOWN ? UNKNOWN : in(n, 0) - k);
                }
                // ops outside BERT-family exports are reported by the support check; assuming they keep their first
                // input's rank keeps that one report from cascading into rank errors downstream
                default -> r = in(n, 0);
            }
        }
        if (out != null && r != UNKNOWN) {
            rank.put(out, r);
        }
    }

    private int maxKnown(Onnx.NodeProto n) {
        int r = UNKNOWN;
        for (String s : n.getInputList()) {
            int ri = rank(s);
            if (ri == UNKNOWN) {
                return UNKNOWN;
            }
            r = Math.max(r, ri);
        }
        return r;
    }

    /** Number of axes of Unsqueeze/Squeeze/Reduce*, from the attribute or (opset 13+) a constant input. */
    static int axesCount(OnnxGraph graph, Onnx.NodeProto n) {
        long[] axes = axes(graph, n);
        return axes == null ? UNKNOWN : axes.length;
    }

    /** Axes of Unsqueeze/Squeeze/Reduce*, from the attribute or a constant second input; null when not constant. */
    public static long[] axes(OnnxGraph graph, Onnx.NodeProto n) {
        long[] attr = Nodes.intsAttribute(n, "axes");
        if (attr != null) {
            return attr;
        }
        if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
            Onnx.TensorProto t = graph.initializer(n.getInput(1));
            return t == null ? null : Nodes.longs(t);
        }
        return null;
    }
}
