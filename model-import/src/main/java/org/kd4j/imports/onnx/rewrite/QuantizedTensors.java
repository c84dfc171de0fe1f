package org.kd4j.imports.onnx.rewrite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;

/**
 * Reading quantized initializers (INT8, UINT8, INT32; raw or typed storage) and folding their quantization
 * parameters at import time, for the quantization rewrites.
 */
final class QuantizedTensors {

    private QuantizedTensors() {}

    /** Whether the tensor holds integers this class reads: INT8, UINT8 or INT32. */
    static boolean readable(Onnx.TensorProto t) {
        int type = t.getDataType();
        return DTypes.isEightBit(type) || type == DTypes.INT32;
    }

    /** The values of an INT8, UINT8, INT32 or FLOAT tensor, as floats (exact for the integer types up to 2^24). */
    static float[] values(Onnx.TensorProto t) {
        int type = t.getDataType();
        if (type == DTypes.FLOAT) {
            return Nodes.floats(t);
        }
        int n = (int) Nodes.size(t);
        float[] out = new float[n];
        if (type == DTypes.INT32) {
            long[] v = Nodes.longs(t);
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
            return out;
        }
        if (!DTypes.isEightBit(type)) {
            throw new IllegalArgumentException("tensor " + t.getName() + ": expected INT8, UINT8, INT32 or FLOAT, found data type " + type);
        }
        boolean unsigned = type == DTypes.UINT8;
        if (!t.getRawData().isEmpty()) {
            ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer();
            for (int i = 0; i < n; i++) {
                byte b = buf.get();
                out[i] = unsigned ? b & 0xFF : b;
            }
        } else {
            // typed storage of 8-bit tensors is int32_data, one element per entry
            for (int i = 0; i < n; i++) {
                out[i] = t.getInt32Data(i);
            }
        }
        return out;
    }

    /** An 8-bit tensor of the given type and shape (values already in range). */
    static Onnx.TensorProto.Builder eightBit(int type, long[] shape, float[] values) {
        Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setDataType(type);
        for (long d : shape) {
            b.addDims(d);
        }
        ByteBuffer buf = ByteBuffer.allocate(values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.put((byte) (int) v);
        }
        return b.setRawData(org.nd4j.shade.protobuf.ByteString.copyFrom(buf.array()));
    }

    static long[] dims(Onnx.TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Quantization parameters of one tensor: per tensor (one value) or per slice along {@code axis}.
     *
     * @param axis the quantized axis (non-negative), or -1 for per-tensor parameters
     */
    record Params(float[] scale, float[] zeroPoint, int axis) {

        /** Reads constant scale and zero point (absent zero point: 0) for a tensor of {@code rank}. */
        static Params of(Onnx.NodeProto node, Onnx.TensorProto scale, Onnx.TensorProto zeroPoint, long axisAttr, int rank) {
            float[] s = values(scale);
            float[] z = zeroPoint == null ? new float[s.length] : values(zeroPoint);
            if (s.length != z.length) {
                throw new UnsupportedConstructException(node, "scale has " + s.length + " values, zero point " + z.length);
            }
            if (s.length == 1 && scale.getDimsCount() <= 1) {
                return new Params(s, z, -1);
            }
            if (scale.getDimsCount() != 1) {
                throw new UnsupportedConstructException(node, "scale of rank " + scale.getDimsCount()
                        + " (only per-tensor and per-axis quantization are supported)");
            }
            if (rank < 0) {
                throw new UnsupportedConstructException(node, "per-axis quantization of a tensor of unknown rank");
            }
            int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
            if (axis < 0 || axis >= rank) {
                throw new UnsupportedConstructException(node, "axis " + axisAttr + " out of range for rank " + rank);
            }
            return new Params(s, z, axis);
        }

        boolean perTensor() {
            return axis < 0;
        }

        /** Index of the parameters for element {@code flat} of a row-major tensor of shape {@code dims}. */
        int slice(long[] dims, long flat) {
            if (perTensor()) {
                return 0;
            }
            long inner = 1;
            for (int d = axis + 1; d < dims.length; d++) {
                inner *= dims[d];
            }
            return (int) ((flat / inner) % dims[axis]);
        }

        /** Checks the parameter count against the quantized axis of {@code dims}. */
        void check(Onnx.NodeProto node, long[] dims) {
            if (!perTensor() && (axis >= dims.length || dims[axis] != scale.length)) {
                throw new UnsupportedConstructException(node, scale.length + " per-axis parameters for axis " + axis
                        + " of shape " + Arrays.toString(dims));
            }
        }

        /**
         * The parameters as constants broadcasting against a tensor of {@code rank}: a scalar, or shape
         * {@code [C, 1, ..., 1]} with {@code rank - 1 - axis} trailing ones.
         */
        long[] broadcastShape(int rank) {
            if (perTensor()) {
                return new long[0];
            }
            long[] shape = new long[rank - axis];
            Arrays.fill(shape, 1);
            shape[0] = scale.length;
            return shape;
        }
    }

    /** {@code (q - zeroPoint) * scale} of a constant quantized tensor, as a FLOAT tensor of the same shape. */
    static Onnx.TensorProto.Builder dequantize(Onnx.NodeProto node, Onnx.TensorProto q, Params p) {
        long[] dims = dims(q);
        p.check(node, dims);
        float[] v = values(q);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            int k = p.slice(dims, i);
            out[i] = (v[i] - p.zeroPoint()[k]) * p.scale()[k];
        }
        return Nodes.float32(dims, out);
    }

    /** {@code saturate(roundHalfEven(x / scale) + zeroPoint)} of a constant float tensor, as a tensor of {@code type}. */
    static Onnx.TensorProto.Builder quantize(Onnx.NodeProto node, Onnx.TensorProto x, Params p, int type) {
        long[] dims = dims(x);
        p.check(node, dims);
        float[] v = Nodes.floats(x);
        float[] out = new float[v.length];
        float lo = type == DTypes.UINT8 ? 0 : -128;
        float hi = type == DTypes.UINT8 ? 255 : 127;
        for (int i = 0; i < v.length; i++) {
            int k = p.slice(dims, i);
            float q = (float) Math.rint(v[i] / p.scale()[k]) + p.zeroPoint()[k];
            out[i] = Math.max(lo, Math.min(hi, q));
        }
        return eightBit(type, dims, out);
    }
}
