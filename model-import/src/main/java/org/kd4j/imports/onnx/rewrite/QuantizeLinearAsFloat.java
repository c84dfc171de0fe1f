package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.graph.Ranks;

/**
 * {@code QuantizeLinear(x, scale, zero_point)}: of a constant x, folded into an INT8/UINT8 initializer (which the
 * other quantization rewrites then fold further); of a run-time x, float ops
 * {@code y = clip(round(x / scale) + zero_point, qmin, qmax)} (round half to even) with y FLOAT, holding integers.
 * Per-tensor and (opset 13) per-axis parameters; per-axis ones must be constants.
 */
public final class QuantizeLinearAsFloat implements GraphRewrite {

    @Override
    public String name() {
        return "quantize-linear-as-float";
    }

    @Override
    public String reason() {
        return "M2.1 has no QuantizeLinear import and its 8-bit tensors are unusable (Gather of an INT8 initializer crashed)";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        DTypes types = DTypes.of(graph);
        Ranks ranks = Ranks.of(graph);
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("QuantizeLinear")) {
                continue;
            }
            String zpName = n.getInputCount() > 2 ? n.getInput(2) : "";
            int type = zpName.isEmpty() ? DTypes.UINT8 : types.of(zpName);
            if (!DTypes.isEightBit(type)) {
                throw new UnsupportedConstructException(n, "only INT8 and UINT8 outputs are supported, zero point type " + type);
            }
            float lo = type == DTypes.UINT8 ? 0f : -128f;
            float hi = type == DTypes.UINT8 ? 255f : 127f;
            Onnx.TensorProto x = graph.initializer(n.getInput(0));
            Onnx.TensorProto scale = graph.initializer(n.getInput(1));
            Onnx.TensorProto zp = zpName.isEmpty() ? null : graph.initializer(zpName);
            boolean constantParams = scale != null && (zpName.isEmpty() || zp != null);
            long axis = Nodes.intAttribute(n, "axis", 1);
            String out = n.getOutput(0);
            if (x != null && x.getDataType() == DTypes.FLOAT && constantParams) {
                QuantizedTensors.Params p = QuantizedTensors.Params.of(n, scale, zp, axis, x.getDimsCount());
                graph.replace(n, List.of());
                graph.addInitializer(QuantizedTensors.quantize(n, x, p, type).setName(out).build());
                changed++;
                continue;
            }
            FloatOps f = new FloatOps(graph, n, "quantize");
            String s;
            String z;
            if (constantParams) {
                int rank = ranks.rank(n.getInput(0));
                QuantizedTensors.Params p = QuantizedTensors.Params.of(n, scale, zp, axis, rank);
                long[] shape = p.broadcastShape(rank);
                s = f.constant("scale", shape, p.scale());
                z = f.constant("zero_point", shape, p.zeroPoint());
            } else {
                if (ranks.rank(n.getInput(1)) != 0 || !zpName.isEmpty() && ranks.rank(zpName) != 0) {
                    throw new UnsupportedConstructException(n, "run-time scale or zero point must be scalars");
                }
                s = f.asFloat(n.getInput(1), types);
                z = zpName.isEmpty() ? f.scalar("zero_point", 0f) : f.asFloat(zpName, types);
            }
            String scaled = f.op("Div", null, List.of(f.asFloat(n.getInput(0), types), s));
            f.clip(f.op("Add", null, List.of(f.roundHalfEven(scaled, null), z)), lo, hi, out);
            graph.replace(n, f.nodes());
            FloatOps.nowFloat(graph, out);
            changed++;
        }
        return changed;
    }
}
