package org.kd4j.imports.onnx.graph;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;

/**
 * Static element types ({@code TensorProto.DataType} numbers) of the tensors of a graph, inferred from the graph
 * inputs and initializers through the ops that BERT-family exports contain. A type that cannot be inferred is
 * {@link #UNKNOWN}; rewrites that need it report the node.
 */
public final class DTypes {

    public static final int UNKNOWN = Onnx.TensorProto.DataType.UNDEFINED.getNumber();
    public static final int FLOAT = Onnx.TensorProto.DataType.FLOAT.getNumber();
    public static final int INT32 = Onnx.TensorProto.DataType.INT32.getNumber();
    public static final int INT64 = Onnx.TensorProto.DataType.INT64.getNumber();
    public static final int BOOL = Onnx.TensorProto.DataType.BOOL.getNumber();
    public static final int INT8 = Onnx.TensorProto.DataType.INT8.getNumber();
    public static final int UINT8 = Onnx.TensorProto.DataType.UINT8.getNumber();

    private static final Set<String> BOOLEAN = Set.of("Equal", "Not", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
            "And", "Or", "Xor", "IsNaN", "IsInf");
    private static final Set<String> INT64_OUT = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin");

    private final Map<String, Integer> type = new HashMap<>();

    private DTypes() {}

    /** Infers element types for every tensor of the graph. */
    public static DTypes of(OnnxGraph graph) {
        DTypes d = new DTypes();
        for (Onnx.ValueInfoProto in : graph.inputs()) {
            d.type.put(in.getName(), in.getType().getTensorType().getElemType());
        }
        for (Onnx.TensorProto t : graph.initializers().values()) {
            d.type.put(t.getName(), t.getDataType());
        }
        for (Onnx.NodeProto n : graph.nodes()) {
            int t = d.infer(n);
            if (t != UNKNOWN && n.getOutputCount() > 0) {
                d.type.put(n.getOutput(0), t);
            }
        }
        return d;
    }

    /** Element type of the tensor, or {@link #UNKNOWN}. */
    public int of(String tensor) {
        return type.getOrDefault(tensor, UNKNOWN);
    }

    private int infer(Onnx.NodeProto n) {
        String op = n.getOpType();
        if (BOOLEAN.contains(op)) {
            return BOOL;
        }
        if (INT64_OUT.contains(op)) {
            return INT64;
        }
        return switch (op) {
            case "Cast" -> (int) Nodes.intAttribute(n, "to", UNKNOWN);
            case "Where" -> of(n.getInput(1)) != UNKNOWN ? of(n.getInput(1)) : of(n.getInput(2));
            case "ConstantOfShape" -> {
                Onnx.AttributeProto value = Nodes.attribute(n, "value");
                yield value == null ? FLOAT : value.getT().getDataType();
            }
            case "Constant" -> {
                Onnx.AttributeProto value = Nodes.attribute(n, "value");
                yield value == null ? UNKNOWN : value.getT().getDataType();
            }
            case "Gather" -> of(n.getInput(0));
            // quantization: integer matmul accumulates in INT32; quantizers write the zero point's type (UINT8 without one)
            case "MatMulInteger" -> INT32;
            case "DynamicQuantizeLinear" -> UINT8;
            case "QuantizeLinear" -> n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? of(n.getInput(2)) : UINT8;
            case "DequantizeLinear" -> FLOAT;
            default -> n.getInputCount() > 0 ? of(n.getInput(0)) : UNKNOWN;
        };
    }

    /** Whether the type is one of the 8-bit integer types of quantized tensors (INT8, UINT8). */
    public static boolean isEightBit(int type) {
        return type == INT8 || type == UINT8;
    }

    /** Whether the type is an integer type (signed or unsigned, any width). */
    public static boolean isInteger(int type) {
        return type == INT64 || type == INT32 || type == Onnx.TensorProto.DataType.INT16.getNumber()
                || type == Onnx.TensorProto.DataType.INT8.getNumber() || type == Onnx.TensorProto.DataType.UINT8.getNumber()
                || type == Onnx.TensorProto.DataType.UINT16.getNumber() || type == Onnx.TensorProto.DataType.UINT32.getNumber()
                || type == Onnx.TensorProto.DataType.UINT64.getNumber();
    }
}
