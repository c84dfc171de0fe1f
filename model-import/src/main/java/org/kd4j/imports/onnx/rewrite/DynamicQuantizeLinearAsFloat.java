package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * {@code DynamicQuantizeLinear(x) -> (y, y_scale, y_zero_point)} becomes float ops computing the same values, with
 * all three outputs FLOAT (y and the zero point hold integers 0..255):
 *
 * <pre>
 * lo = min(0, min x)         hi = max(0, max x)          (ReduceMin/ReduceMax of Concat(Reshape(x, [-1]), [0]))
 * y_scale      = (hi - lo) / 255, or 1 when hi = lo (as ONNX Runtime does for an all-zero input)
 * y_zero_point = clip(round(-lo / y_scale), 0, 255)
 * y            = clip(round(x / y_scale) + y_zero_point, 0, 255)
 * </pre>
 *
 * with {@code round} half to even (see {@link FloatOps#roundHalfEven}). {@code Cast(to FLOAT)} readers of the outputs
 * are dropped.
 */
public final class DynamicQuantizeLinearAsFloat implements GraphRewrite {

    @Override
    public String name() {
        return "dynamic-quantize-linear-as-float";
    }

    @Override
    public String reason() {
        return "M2.1 has no DynamicQuantizeLinear import; its Round rounds half away from zero and its ReduceMax without"
                + " axes returns the minimum";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("DynamicQuantizeLinear")) {
                continue;
            }
            if (n.getOutputCount() != 3) {
                throw new UnsupportedConstructException(n, "expected 3 outputs, found " + n.getOutputCount());
            }
            String y = n.getOutput(0);
            String scale = n.getOutput(1);
            String zeroPoint = n.getOutput(2);
            FloatOps f = new FloatOps(graph, n, "dynamic_quantize");
            // zero joins the values before reducing: M2.1's Max/Min of two scalars return shape [1, 1]
            String withZero = f.op("Concat", null, List.of(f.flatten(n.getInput(0)), f.one("zero", 0f)),
                    Nodes.intAttr("axis", 0));
            String hi = f.reduceAll("ReduceMax", withZero);
            String lo = f.reduceAll("ReduceMin", withZero);
            // scalar arithmetic with [1]-shaped constants, reshaped to scalars at the end: M2.1 returns [1, 1] for a
            // run-time scalar combined with a scalar initializer
            String range = f.op("Sub", null, List.of(hi, lo));
            String raw = f.op("Div", null, List.of(range, f.one("levels", 255f)));
            String isFlat = f.op("Cast", null, List.of(f.op("Equal", null, List.of(range, f.one("zero", 0f)))),
                    Nodes.intAttr("to", DTypes.FLOAT));
            f.toScalar(f.op("Add", null, List.of(raw, isFlat)), scale);
            String shift = f.op("Neg", null, List.of(f.op("Div", null, List.of(lo, scale))));
            // round, then clip: the same as clip, then round, for integer bounds
            f.toScalar(f.clip(f.roundHalfEvenOne(shift, null), 0f, 255f, null), zeroPoint);
            String rounded = f.roundHalfEven(f.op("Div", null, List.of(n.getInput(0), scale)), null);
            f.clip(f.op("Add", null, List.of(rounded, zeroPoint)), 0f, 255f, y);
            graph.replace(n, f.nodes());
            FloatOps.nowFloat(graph, y);
            FloatOps.nowFloat(graph, zeroPoint);
            changed++;
        }
        return changed;
    }
}
