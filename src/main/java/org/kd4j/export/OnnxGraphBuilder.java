package org.kd4j.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes an ONNX graph node by node: weights as initializers, small constants shared by value, unique tensor names,
 * and the {@code [batch, sequence]} INT64 inputs and the {@code logits} output of the student contract.
 */
final class OnnxGraphBuilder {

    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> constants = new HashMap<>();

    OnnxGraphBuilder(String name) {
        graph.setName(name);
    }

    /** A tensor name not used yet, {@code base} itself when free. */
    String fresh(String base) {
        String name = base;
        for (int i = 1; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** An INT64 {@code [batch, sequence]} graph input. */
    void idsInput(String name) {
        names.add(name);
        graph.addInput(valueInfo(name, Onnx.TensorProto.DataType.INT64, "batch", "sequence"));
    }

    /** The FLOAT {@code [batch, outputs]} graph output. */
    void output(String name, int outputs) {
        Onnx.ValueInfoProto.Builder v = Onnx.ValueInfoProto.newBuilder().setName(name);
        Onnx.TypeProto.Tensor.Builder t = v.getTypeBuilder().getTensorTypeBuilder()
                .setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber());
        t.getShapeBuilder().addDimBuilder().setDimParam("batch");
        t.getShapeBuilder().addDimBuilder().setDimValue(outputs);
        graph.addOutput(v);
    }

    private static Onnx.ValueInfoProto valueInfo(String name, Onnx.TensorProto.DataType type, String... dims) {
        Onnx.ValueInfoProto.Builder v = Onnx.ValueInfoProto.newBuilder().setName(name);
        Onnx.TypeProto.Tensor.Builder t = v.getTypeBuilder().getTensorTypeBuilder().setElemType(type.getNumber());
        for (String d : dims) {
            t.getShapeBuilder().addDimBuilder().setDimParam(d);
        }
        return v.build();
    }

    /** A FLOAT initializer holding {@code values} (cast to float, row-major). */
    String weight(String name, INDArray values) {
        INDArray a = values.castTo(DataType.FLOAT).dup('c');
        return weight(name, a.shape(), a.data().asFloat());
    }

    String weight(String name, long[] shape, float[] values) {
        String n = fresh(name);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(n)
                .setDataType(Onnx.TensorProto.DataType.FLOAT.getNumber());
        for (long d : shape) {
            t.addDims(d);
        }
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        graph.addInitializer(t.setRawData(ByteString.copyFrom(buf.array())));
        return n;
    }

    /** A 1-D INT64 constant (shared with other uses of the same values). */
    String longs(long... values) {
        return constant("i64" + java.util.Arrays.toString(values), Onnx.TensorProto.DataType.INT64, new long[] {values.length},
                values, null);
    }

    /** A scalar (rank 0) INT64 constant. */
    String scalarLong(long value) {
        return constant("i64 " + value, Onnx.TensorProto.DataType.INT64, new long[0], new long[] {value}, null);
    }

    /** A scalar (rank 0) FLOAT constant. */
    String scalarFloat(float value) {
        return constant("f32 " + Float.floatToIntBits(value), Onnx.TensorProto.DataType.FLOAT, new long[0], null,
                new float[] {value});
    }

    private String constant(String key, Onnx.TensorProto.DataType type, long[] shape, long[] longs, float[] floats) {
        return constants.computeIfAbsent(key, k -> {
            String n = fresh("const_" + (longs != null ? "i" : "f") + constants.size());
            Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(n).setDataType(type.getNumber());
            for (long d : shape) {
                t.addDims(d);
            }
            ByteBuffer buf;
            if (longs != null) {
                buf = ByteBuffer.allocate(8 * longs.length).order(ByteOrder.LITTLE_ENDIAN);
                for (long v : longs) {
                    buf.putLong(v);
                }
            } else {
                buf = ByteBuffer.allocate(4 * floats.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : floats) {
                    buf.putFloat(v);
                }
            }
            graph.addInitializer(t.setRawData(ByteString.copyFrom(buf.array())));
            return n;
        });
    }

    /** Adds a node with one output named after {@code output} (made unique); returns the output's name. */
    String op(String opType, String output, List<String> inputs, Onnx.AttributeProto... attributes) {
        String out = fresh(output);
        addNode(opType, inputs, List.of(out), attributes);
        return out;
    }

    /** Adds a node whose (first) output has exactly the name {@code output} (a graph output). */
    String opNamed(String opType, String output, List<String> inputs, Onnx.AttributeProto... attributes) {
        if (!names.add(output)) {
            throw new IllegalStateException("tensor name " + output + " is taken");
        }
        addNode(opType, inputs, List.of(output), attributes);
        return output;
    }

    private void addNode(String opType, List<String> inputs, List<String> outputs, Onnx.AttributeProto... attributes) {
        graph.addNode(Onnx.NodeProto.newBuilder().setName(fresh(opType + "_" + outputs.get(0))).setOpType(opType)
                .addAllInput(inputs).addAllOutput(outputs).addAllAttribute(List.of(attributes)));
    }

    // ------------------------------------------------------------------ common patterns

    String add(String a, String b, String output) {
        return op("Add", output, List.of(a, b));
    }

    String mul(String a, String b, String output) {
        return op("Mul", output, List.of(a, b));
    }

    /** {@code x W + b}: a MatMul with a weight initializer, then an Add of the bias vector. */
    String linear(String x, INDArray w, INDArray b, String name) {
        String product = op("MatMul", name + "_matmul", List.of(x, weight(name + "_w", w)));
        return op("Add", name, List.of(product, weight(name + "_b", b.reshape(b.length()))));
    }

    /** Unsqueeze with axes as an input (opset 13 and later). */
    String unsqueeze(String x, String output, long... axes) {
        return op("Unsqueeze", output, List.of(x, longs(axes)));
    }

    /** {@code (1 - mask) * -10000}: 0 on tokens, a large negative number on padding. */
    String paddingBias(String maskFloat, double negative, String output) {
        String inverted = op("Sub", output + "_inverted", List.of(scalarFloat(1f), maskFloat));
        return mul(inverted, scalarFloat((float) negative), output);
    }

    Onnx.GraphProto build() {
        return graph.build();
    }

    // ------------------------------------------------------------------ attributes

    static Onnx.AttributeProto intAttr(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(value).build();
    }

    static Onnx.AttributeProto floatAttr(String name, float value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static Onnx.AttributeProto ints(String name, long... values) {
        Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    static Onnx.AttributeProto string(String name, String value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }
}
