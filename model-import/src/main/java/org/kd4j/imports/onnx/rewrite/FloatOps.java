package org.kd4j.imports.onnx.rewrite;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * Collects the float nodes that replace one quantized node, under fresh names with a common prefix. Only ops checked
 * one by one against ONNX Runtime through the M2.1 importer are offered (see {@code QuantizedOpsTest}).
 */
final class FloatOps {

    /**
     * 1.5 * 2^23: adding and subtracting it rounds a float32 of magnitude below 2^22 to an integer, half to even (IEEE
     * round-to-nearest), in ONNX Runtime and in ND4J alike. M2.1's {@code Round} rounds half away from zero.
     */
    static final float ROUNDING_MAGIC = 12582912f;

    private final OnnxGraph graph;
    private final String prefix;
    private final List<Onnx.NodeProto> nodes = new ArrayList<>();

    FloatOps(OnnxGraph graph, Onnx.NodeProto replaced, String fallback) {
        this.graph = graph;
        this.prefix = replaced.getName().isEmpty() ? fallback : replaced.getName();
    }

    List<Onnx.NodeProto> nodes() {
        return List.copyOf(nodes);
    }

    /** A FLOAT constant of the given shape (empty: scalar). */
    String constant(String what, long[] shape, float... values) {
        return graph.addConstant(prefix + "/" + what, Nodes.float32(shape, values));
    }

    String scalar(String what, float value) {
        return constant(what, new long[0], value);
    }

    /** Adds a node; {@code out == null}: a fresh output name. Returns the output. */
    String op(String opType, String out, List<String> inputs, Onnx.AttributeProto... attributes) {
        String output = out != null ? out : graph.fresh(prefix + "/" + opType.toLowerCase(java.util.Locale.ROOT));
        nodes.add(Nodes.node(graph.fresh(prefix + "/" + opType), opType, inputs, List.of(output), attributes));
        return output;
    }

    /** {@code x} as FLOAT: itself when it already is, else a Cast. */
    String asFloat(String x, DTypes types) {
        return types.of(x) == DTypes.FLOAT ? x : op("Cast", null, List.of(x), Nodes.intAttr("to", DTypes.FLOAT));
    }

    /** A FLOAT constant of shape [1]. */
    String one(String what, float value) {
        return constant(what, new long[] {1}, value);
    }

    /** Round half to even (ONNX {@code Round}), by {@link #ROUNDING_MAGIC}; exact for |x| < 2^22. */
    String roundHalfEven(String x, String out) {
        String magic = scalar("round_magic", ROUNDING_MAGIC);
        return op("Sub", out, List.of(op("Add", null, List.of(x, magic)), magic));
    }

    /** {@link #roundHalfEven} of a scalar, with a [1]-shaped constant (result shape [1]; see {@link #toScalar}). */
    String roundHalfEvenOne(String x, String out) {
        String magic = one("round_magic", ROUNDING_MAGIC);
        return op("Sub", out, List.of(op("Add", null, List.of(x, magic)), magic));
    }

    /**
     * A one-element tensor reshaped to a scalar. M2.1 gives shape [1, 1] where a run-time scalar meets a scalar
     * initializer (ONNX Runtime: a scalar), so scalar arithmetic uses [1]-shaped constants and ends here.
     */
    String toScalar(String x, String out) {
        return op("Reshape", out, List.of(x, graph.addConstant(prefix + "/scalar_shape", Nodes.int64(new long[] {0}))));
    }

    /** {@code min(max(x, lo), hi)} as a Clip with constant bounds. */
    String clip(String x, float lo, float hi, String out) {
        return op("Clip", out, List.of(x, scalar("lo", lo), scalar("hi", hi)));
    }

    /** The full-range reduction of {@code x} to a scalar: {@code op(Reshape(x, [-1]), axes [0], keepdims 0)}. */
    String reduceAll(String opType, String flat) {
        return op(opType, null, List.of(flat), Nodes.ints("axes", 0), Nodes.intAttr("keepdims", 0));
    }

    String flatten(String x) {
        return op("Reshape", null, List.of(x, graph.addConstant(prefix + "/flat", Nodes.int64Vector(-1))));
    }

    /**
     * After a quantized tensor has become FLOAT: its {@code Cast(to FLOAT)} readers are dropped (readers read the
     * tensor) unless they feed a graph output, and a graph output of that name is declared FLOAT.
     *
     * @return the number of casts dropped
     */
    static int nowFloat(OnnxGraph graph, String tensor) {
        int dropped = 0;
        for (Onnx.NodeProto c : graph.consumers(tensor)) {
            if (c.getOpType().equals("Cast") && Nodes.intAttribute(c, "to", -1) == DTypes.FLOAT
                    && !graph.isGraphOutput(c.getOutput(0))) {
                graph.replace(c, List.of());
                graph.rewireUses(c.getOutput(0), tensor);
                dropped++;
            }
        }
        if (graph.isGraphOutput(tensor)) {
            List<Onnx.ValueInfoProto> outputs = new ArrayList<>();
            for (Onnx.ValueInfoProto o : graph.outputs()) {
                if (o.getName().equals(tensor)) {
                    Onnx.ValueInfoProto.Builder b = o.toBuilder();
                    b.getTypeBuilder().getTensorTypeBuilder().setElemType(DTypes.FLOAT);
                    o = b.build();
                }
                outputs.add(o);
            }
            graph.setOutputs(outputs);
        }
        return dropped;
    }
}
