package org.kd4j.imports.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.rewrite.GraphRewrite;
import org.kd4j.imports.onnx.rewrite.RewritePipeline;
import org.kd4j.imports.onnx.rewrite.UnsupportedConstructException;

/**
 * Lists every construct of a graph that import does not handle, all at once: nodes a rewrite rejects, ops outside
 * the set checked against ONNX Runtime after the rewrites, and nodes of other domains (e.g. ONNX Runtime's fused
 * {@code com.microsoft} ops from an optimised export).
 */
public final class SupportCheck {

    /**
     * Ops that, after the rewrites, import into SameDiff M2.1 with outputs matching ONNX Runtime (see the parity tests).
     * Not, Where, Expand of non-FLOAT inputs and integer CumSum are right only in the forms the rewrites leave
     * ({@code not-as-subtraction}, {@code where-explicit-broadcast}, {@code non-float-expand},
     * {@code integer-cumsum-as-float}). Clip was checked with constant bounds, ReduceMax and ReduceMin with explicit
     * axes (without, M2.1's ReduceMax returns the minimum; {@code explicit-reduce-axes} refuses those), as the
     * quantization rewrites write them.
     */
    public static final Set<String> SUPPORTED = Set.of("Add", "Sub", "Mul", "Div", "Sqrt", "Erf", "Tanh", "Relu", "Sigmoid",
            "Softmax", "MatMul", "Gather", "Shape", "Unsqueeze", "Squeeze", "Concat", "Reshape", "Transpose", "Cast",
            "ReduceMean", "ReduceSum", "Range", "Slice", "Where", "Equal", "Not", "Expand", "CumSum", "Neg", "ConstantOfShape",
            "ReduceMax", "ReduceMin", "Clip");

    private SupportCheck() {}

    /**
     * Applies the pipeline to {@code graph} (in place), collecting problems instead of stopping at the first.
     *
     * @return one line per problem, each naming the node; empty when the graph is supported
     */
    public static List<String> rewriteAndCheck(OnnxGraph graph, RewritePipeline pipeline) {
        List<String> problems = new ArrayList<>();
        for (GraphRewrite rewrite : pipeline.rewrites()) {
            try {
                rewrite.apply(graph);
            } catch (UnsupportedConstructException e) {
                problems.add(e.getMessage() + " [" + rewrite.name() + "]");
            }
        }
        graph.pruneUnused();
        for (Onnx.NodeProto n : graph.nodes()) {
            String domain = n.getDomain();
            if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
                problems.add("node '" + n.getName() + "' (" + domain + "::" + n.getOpType() + "): ops outside the default ONNX"
                        + " domain are not supported; export without graph optimisation (no fused ops)");
            } else if (!SUPPORTED.contains(n.getOpType())) {
                problems.add("node '" + n.getName() + "' (" + n.getOpType() + "): op not supported by the import");
            } else if (n.getOpType().equals("Clip") && !constantBounds(graph, n)) {
                problems.add("node '" + n.getName() + "' (Clip): only constant min and max inputs are supported");
            }
        }
        for (Onnx.TensorProto t : graph.initializers().values()) {
            if (DTypes.isEightBit(t.getDataType())) {
                problems.add("initializer '" + t.getName() + "': " + (t.getDataType() == DTypes.INT8 ? "INT8" : "UINT8")
                        + " tensors outside the quantization ops the rewrites convert are not supported (M2.1 crashed on"
                        + " them)");
            }
        }
        return problems;
    }

    private static boolean constantBounds(OnnxGraph graph, Onnx.NodeProto clip) {
        return clip.getInputCount() == 3 && graph.initializer(clip.getInput(1)) != null && graph.initializer(clip.getInput(2)) != null;
    }
}
