package org.kd4j.imports.student;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Turns a FLOAT graph into a DOUBLE one (for gradient checks by finite differences): FLOAT initializers, Casts to
 * FLOAT, ConstantOfShape values and declared outputs become DOUBLE. Graph inputs keep their types.
 */
final class DoublePrecision {

    private static final int FLOAT = Onnx.TensorProto.DataType.FLOAT.getNumber();
    private static final int DOUBLE = Onnx.TensorProto.DataType.DOUBLE.getNumber();

    private DoublePrecision() {}

    static void apply(OnnxGraph graph) {
        for (Onnx.TensorProto t : graph.initializers().values()) {
            if (t.getDataType() == FLOAT) {
                graph.removeInitializer(t.getName());
                graph.addInitializer(toDouble(t));
            }
        }
        for (Onnx.NodeProto n : graph.nodes()) {
            Onnx.NodeProto changed = n;
            if (n.getOpType().equals("Cast") && Nodes.intAttribute(n, "to", -1) == FLOAT) {
                changed = Nodes.withAttribute(n, Nodes.intAttr("to", DOUBLE));
            }
            Onnx.AttributeProto value = Nodes.attribute(n, "value");
            if (value != null && value.hasT() && value.getT().getDataType() == FLOAT) {
                changed = Nodes.withAttribute(changed, value.toBuilder().setT(toDouble(value.getT())).build());
            }
            if (changed != n) {
                graph.replace(n, List.of(changed));
            }
        }
        List<Onnx.ValueInfoProto> outputs = new ArrayList<>();
        for (Onnx.ValueInfoProto o : graph.outputs()) {
            Onnx.ValueInfoProto.Builder b = o.toBuilder();
            if (b.getType().getTensorType().getElemType() == FLOAT) {
                b.getTypeBuilder().getTensorTypeBuilder().setElemType(DOUBLE);
            }
            outputs.add(b.build());
        }
        graph.setOutputs(outputs);
    }

    private static Onnx.TensorProto toDouble(Onnx.TensorProto t) {
        float[] values = Nodes.floats(t);
        ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putDouble(v);
        }
        return Onnx.TensorProto.newBuilder().setName(t.getName()).addAllDims(t.getDimsList()).setDataType(DOUBLE)
                .setRawData(ByteString.copyFrom(buf.array())).build();
    }
}
