package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.graph.Ranks;

/**
 * {@code MatMulInteger(A, B, a_zero_point, b_zero_point)} becomes {@code MatMul(A - a_zero_point, B - b_zero_point)}
 * in FLOAT. A constant 8-bit B (the weights) becomes a FLOAT initializer holding {@code B - b_zero_point} (per-tensor
 * or per-column zero point); a run-time A (typically {@code DynamicQuantizeLinear}'s output, FLOAT after
 * {@link DynamicQuantizeLinearAsFloat}) is cast to FLOAT where it is not already. The product is exact while every
 * partial sum stays below 2^24 in magnitude (K times 255 * 255 for the largest 8-bit values); ONNX Runtime
 * accumulates in INT32. The output becomes FLOAT and the {@code Cast(to FLOAT)} that follows in quantizer output is
 * dropped.
 */
public final class MatMulIntegerAsFloat implements GraphRewrite {

    @Override
    public String name() {
        return "matmul-integer-as-float";
    }

    @Override
    public String reason() {
        return "M2.1 has no MatMulInteger import and its 8-bit tensors are unusable (Gather of an INT8 initializer crashed)";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        DTypes types = DTypes.of(graph);
        Ranks ranks = Ranks.of(graph);
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("MatMulInteger")) {
                continue;
            }
            FloatOps f = new FloatOps(graph, n, "matmul_integer");
            String a = centred(graph, f, n, 0, types, ranks, false);
            String b = centred(graph, f, n, 1, types, ranks, true);
            String out = n.getOutput(0);
            f.op("MatMul", out, List.of(a, b));
            graph.replace(n, f.nodes());
            FloatOps.nowFloat(graph, out);
            changed++;
        }
        return changed;
    }

    /** Operand {@code index} (0: A, 1: B) minus its zero point (input index + 2), as a FLOAT tensor. */
    private static String centred(OnnxGraph graph, FloatOps f, Onnx.NodeProto n, int index, DTypes types, Ranks ranks,
                                  boolean isB) {
        String operand = n.getInput(index);
        String zpName = n.getInputCount() > index + 2 ? n.getInput(index + 2) : "";
        Onnx.TensorProto value = graph.initializer(operand);
        Onnx.TensorProto zp = zpName.isEmpty() ? null : graph.initializer(zpName);
        if (zp != null && !QuantizedTensors.readable(zp)) {
            throw new UnsupportedConstructException(n, "zero point " + zpName + " of data type " + zp.getDataType());
        }
        float[] zpValues = zp == null ? null : QuantizedTensors.values(zp);
        // B's 1-D zero point is per column (last axis); A's 1-D zero point would be per row
        if (zpValues != null && zpValues.length > 1 && (!isB || zp.getDimsCount() != 1)) {
            throw new UnsupportedConstructException(n, (isB ? "B" : "A") + " zero point of shape " + zp.getDimsList()
                    + " (supported: scalar, and per-column for B)");
        }
        if (value != null && QuantizedTensors.readable(value) && (zpName.isEmpty() || zp != null)) {
            long[] dims = QuantizedTensors.dims(value);
            float[] v = QuantizedTensors.values(value);
            if (zpValues != null) {
                long columns = dims.length == 0 ? 1 : dims[dims.length - 1];
                if (zpValues.length > 1 && zpValues.length != columns) {
                    throw new UnsupportedConstructException(n, zpValues.length + " zero points for " + columns + " columns");
                }
                for (int i = 0; i < v.length; i++) {
                    v[i] -= zpValues[zpValues.length == 1 ? 0 : (int) (i % columns)];
                }
            }
            return graph.addConstant(operand + (isB ? "_centred" : "_a_centred"), Nodes.float32(dims, v));
        }
        String x = f.asFloat(operand, types);
        if (zpName.isEmpty()) {
            return x;
        }
        String z;
        if (zp != null) {
            z = zpValues.length == 1 ? f.scalar("zero_point", zpValues[0]) : f.constant("zero_point", new long[] {zpValues.length}, zpValues);
        } else {
            Onnx.NodeProto producer = graph.producer(zpName);
            boolean dynamic = producer != null && producer.getOpType().equals("DynamicQuantizeLinear");
            if (ranks.rank(zpName) != 0 && !dynamic) {
                throw new UnsupportedConstructException(n, "run-time zero point " + zpName + " must be a scalar");
            }
            z = f.asFloat(zpName, types);
        }
        return f.op("Sub", null, List.of(x, z));
    }
}
