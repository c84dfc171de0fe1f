package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/** {@code Constant} nodes become initializers of the same name. */
public final class ConstantsToInitializers implements GraphRewrite {

    @Override
    public String name() {
        return "constants-to-initializers";
    }

    @Override
    public String reason() {
        return "M2.1 fails on Constant-node inputs (NPE in Unsqueeze.doImport for opset-13 axes)";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Constant") || n.getOutputCount() != 1) {
                continue;
            }
            Onnx.TensorProto value = value(n);
            String out = n.getOutput(0);
            graph.replace(n, List.of());
            graph.addInitializer(value.toBuilder().setName(out).build());
            changed++;
        }
        return changed;
    }

    private static Onnx.TensorProto value(Onnx.NodeProto n) {
        Onnx.AttributeProto a = n.getAttributeCount() == 1 ? n.getAttribute(0) : null;
        if (a == null) {
            throw new UnsupportedConstructException(n, "a Constant node needs exactly one value attribute");
        }
        return switch (a.getName()) {
            case "value" -> a.getT();
            case "value_float" -> Nodes.float32(new long[0], a.getF()).build();
            case "value_floats" -> {
                float[] v = new float[a.getFloatsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getFloats(i);
                }
                yield Nodes.float32(new long[] {v.length}, v).build();
            }
            case "value_int" -> Nodes.int64(new long[0], a.getI()).build();
            case "value_ints" -> Nodes.int64Vector(a.getIntsList().stream().mapToLong(Long::longValue).toArray()).build();
            default -> throw new UnsupportedConstructException(n, "Constant attribute '" + a.getName() + "' is not supported");
        };
    }
}
