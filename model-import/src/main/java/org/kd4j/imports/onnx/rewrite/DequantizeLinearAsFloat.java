package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.graph.Ranks;

/**
 * {@code DequantizeLinear(x, scale, zero_point)}, {@code (x - zero_point) * scale}:
 * <ul>
 *   <li>of a constant x (INT8, UINT8 or INT32 weights): folded into a FLOAT initializer, per-tensor or (opset 13)
 *       per-axis;</li>
 *   <li>of {@code Gather(constant table, indices)} (ONNX Runtime's quantized embeddings): the table is dequantized
 *       and gathered instead, per-tensor or per-axis over the table's last axis;</li>
 *   <li>of a run-time x: float ops {@code Mul(Sub(x, zero_point), scale)}, x cast to FLOAT where it is not already
 *       (per-axis parameters must be constants).</li>
 * </ul>
 */
public final class DequantizeLinearAsFloat implements GraphRewrite {

    @Override
    public String name() {
        return "dequantize-linear-as-float";
    }

    @Override
    public String reason() {
        return "M2.1 has no DequantizeLinear import and its 8-bit tensors are unusable (Gather of an INT8 initializer crashed)";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("DequantizeLinear")) {
                continue;
            }
            // types and ranks are read again for each node: folding a Gather removes a node the next one may read
            DTypes types = DTypes.of(graph);
            Ranks ranks = Ranks.of(graph);
            String zpName = n.getInputCount() > 2 ? n.getInput(2) : "";
            Onnx.TensorProto scale = graph.initializer(n.getInput(1));
            Onnx.TensorProto zp = zpName.isEmpty() ? null : graph.initializer(zpName);
            if (zp != null && !QuantizedTensors.readable(zp)) {
                throw new UnsupportedConstructException(n, "zero point " + zpName + " of data type " + zp.getDataType());
            }
            boolean constantParams = scale != null && (zpName.isEmpty() || zp != null);
            long axis = Nodes.intAttribute(n, "axis", 1);
            String out = n.getOutput(0);
            Onnx.TensorProto x = graph.initializer(n.getInput(0));
            if (x != null && QuantizedTensors.readable(x) && constantParams) {
                QuantizedTensors.Params p = QuantizedTensors.Params.of(n, scale, zp, axis, x.getDimsCount());
                graph.replace(n, List.of());
                graph.addInitializer(QuantizedTensors.dequantize(n, x, p).setName(out).build());
                changed++;
                continue;
            }
            if (constantParams && foldGather(graph, n, scale, zp, axis, ranks)) {
                changed++;
                continue;
            }
            FloatOps f = new FloatOps(graph, n, "dequantize");
            String s;
            String z = null;
            if (constantParams) {
                int rank = ranks.rank(n.getInput(0));
                QuantizedTensors.Params p = QuantizedTensors.Params.of(n, scale, zp, axis, rank);
                long[] shape = p.broadcastShape(rank);
                s = f.constant("scale", shape, p.scale());
                boolean zeroPointZero = true;
                for (float v : p.zeroPoint()) {
                    zeroPointZero &= v == 0f;
                }
                z = zeroPointZero ? null : f.constant("zero_point", shape, p.zeroPoint());
            } else {
                if (ranks.rank(n.getInput(1)) != 0 || !zpName.isEmpty() && ranks.rank(zpName) != 0 && !fromDynamicQuantize(graph, zpName)) {
                    throw new UnsupportedConstructException(n, "run-time scale or zero point must be scalars");
                }
                s = f.asFloat(n.getInput(1), types);
                z = zpName.isEmpty() ? null : f.asFloat(zpName, types);
            }
            String centred = f.asFloat(n.getInput(0), types);
            if (z != null) {
                centred = f.op("Sub", null, List.of(centred, z));
            }
            f.op("Mul", out, List.of(centred, s));
            graph.replace(n, f.nodes());
            changed++;
        }
        return changed;
    }

    private static boolean fromDynamicQuantize(OnnxGraph graph, String tensor) {
        Onnx.NodeProto p = graph.producer(tensor);
        return p != null && p.getOpType().equals("DynamicQuantizeLinear");
    }

    /**
     * {@code DequantizeLinear(Gather(table, indices))} with a constant 8-bit table read by nothing else becomes
     * {@code Gather(dequantized table, indices)}: per-tensor, or per-axis over the last axis of a 2-D table gathered on
     * axis 0.
     */
    private static boolean foldGather(OnnxGraph graph, Onnx.NodeProto n, Onnx.TensorProto scale, Onnx.TensorProto zp,
                                      long axis, Ranks ranks) {
        Onnx.NodeProto gather = graph.producer(n.getInput(0));
        if (gather == null || !gather.getOpType().equals("Gather") || graph.consumers(gather.getOutput(0)).size() != 1
                || graph.isGraphOutput(gather.getOutput(0))) {
            return false;
        }
        Onnx.TensorProto table = graph.initializer(gather.getInput(0));
        if (table == null || !QuantizedTensors.readable(table)) {
            return false;
        }
        QuantizedTensors.Params p = QuantizedTensors.Params.of(n, scale, zp, axis, ranks.rank(n.getInput(0)));
        if (!p.perTensor()) {
            boolean lastAxis = table.getDimsCount() == 2 && Nodes.intAttribute(gather, "axis", 0) == 0
                    && p.axis() == ranks.rank(n.getInput(0)) - 1;
            if (!lastAxis) {
                throw new UnsupportedConstructException(n, "per-axis dequantization of a Gather output other than over the"
                        + " last axis of a 2-D table");
            }
            p = new QuantizedTensors.Params(p.scale(), p.zeroPoint(), 1);
        }
        String floatTable = graph.addConstant(gather.getInput(0) + "_dequantized", QuantizedTensors.dequantize(n, table, p));
        graph.replace(n, List.of(gather.toBuilder().setInput(0, floatTable).setOutput(0, n.getOutput(0)).build()));
        graph.replace(gather, List.of());
        return true;
    }
}
