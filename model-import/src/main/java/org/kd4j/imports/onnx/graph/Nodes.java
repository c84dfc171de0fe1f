package org.kd4j.imports.onnx.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;

/** Small factories and readers for ONNX nodes, attributes and constant tensors. */
public final class Nodes {

    private Nodes() {}

    /** A node with the given op type, inputs, outputs and attributes. */
    public static Onnx.NodeProto node(String name, String opType, List<String> inputs, List<String> outputs,
                                      Onnx.AttributeProto... attributes) {
        return Onnx.NodeProto.newBuilder().setName(name).setOpType(opType)
                .addAllInput(inputs).addAllOutput(outputs).addAllAttribute(List.of(attributes)).build();
    }

    public static Onnx.AttributeProto ints(String name, long... values) {
        Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    public static Onnx.AttributeProto intAttr(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static Onnx.AttributeProto floatAttr(String name, float value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    /** The attribute, or null. */
    public static Onnx.AttributeProto attribute(Onnx.NodeProto node, String name) {
        for (Onnx.AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    public static long intAttribute(Onnx.NodeProto node, String name, long fallback) {
        Onnx.AttributeProto a = attribute(node, name);
        return a == null ? fallback : a.getI();
    }

    public static float floatAttribute(Onnx.NodeProto node, String name, float fallback) {
        Onnx.AttributeProto a = attribute(node, name);
        return a == null ? fallback : a.getF();
    }

    /** The INTS attribute, or null when absent. */
    public static long[] intsAttribute(Onnx.NodeProto node, String name) {
        Onnx.AttributeProto a = attribute(node, name);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** A node's copy without the named attribute. */
    public static Onnx.NodeProto withoutAttribute(Onnx.NodeProto node, String name) {
        Onnx.NodeProto.Builder b = node.toBuilder().clearAttribute();
        node.getAttributeList().stream().filter(a -> !a.getName().equals(name)).forEach(b::addAttribute);
        return b.build();
    }

    /** A node's copy with the attribute set (replacing any previous value). */
    public static Onnx.NodeProto withAttribute(Onnx.NodeProto node, Onnx.AttributeProto attribute) {
        return withoutAttribute(node, attribute.getName()).toBuilder().addAttribute(attribute).build();
    }

    /** An INT64 tensor of the given shape (empty shape: scalar). */
    public static Onnx.TensorProto.Builder int64(long[] shape, long... values) {
        Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setDataType(Onnx.TensorProto.DataType.INT64.getNumber());
        for (long d : shape) {
            b.addDims(d);
        }
        ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        return b.setRawData(ByteString.copyFrom(buf.array()));
    }

    /** A 1-D INT64 tensor. */
    public static Onnx.TensorProto.Builder int64Vector(long... values) {
        return int64(new long[] {values.length}, values);
    }

    /** A FLOAT tensor of the given shape. */
    public static Onnx.TensorProto.Builder float32(long[] shape, float... values) {
        Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setDataType(Onnx.TensorProto.DataType.FLOAT.getNumber());
        for (long d : shape) {
            b.addDims(d);
        }
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return b.setRawData(ByteString.copyFrom(buf.array()));
    }

    /** Number of elements of a tensor's shape. */
    public static long size(Onnx.TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    /** Integer values of an INT64/INT32 tensor (raw or typed storage). */
    public static long[] longs(Onnx.TensorProto t) {
        int n = (int) size(t);
        long[] out = new long[n];
        int type = t.getDataType();
        if (type == Onnx.TensorProto.DataType.INT64.getNumber()) {
            if (!t.getRawData().isEmpty()) {
                ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    out[i] = buf.getLong();
                }
            } else {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt64Data(i);
                }
            }
        } else if (type == Onnx.TensorProto.DataType.INT32.getNumber()) {
            if (!t.getRawData().isEmpty()) {
                ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    out[i] = buf.getInt();
                }
            } else {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt32Data(i);
                }
            }
        } else {
            throw new IllegalArgumentException("tensor " + t.getName() + ": expected INT64 or INT32, found data type "
                    + t.getDataType());
        }
        return out;
    }

    /** Float values of a FLOAT tensor (raw or typed storage). */
    public static float[] floats(Onnx.TensorProto t) {
        if (t.getDataType() != Onnx.TensorProto.DataType.FLOAT.getNumber()) {
            throw new IllegalArgumentException("tensor " + t.getName() + ": expected FLOAT, found data type " + t.getDataType());
        }
        int n = (int) size(t);
        float[] out = new float[n];
        if (!t.getRawData().isEmpty()) {
            ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = buf.getFloat();
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = t.getFloatData(i);
            }
        }
        return out;
    }

    /** Numeric value of a scalar or one-element tensor as a double. */
    public static double scalar(Onnx.TensorProto t) {
        if (size(t) != 1) {
            throw new IllegalArgumentException("tensor " + t.getName() + ": expected one element, found shape " + t.getDimsList());
        }
        return t.getDataType() == Onnx.TensorProto.DataType.FLOAT.getNumber() ? floats(t)[0] : longs(t)[0];
    }
}
