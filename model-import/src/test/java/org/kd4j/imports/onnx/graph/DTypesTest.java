package org.kd4j.imports.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import onnx.Onnx;
import org.junit.jupiter.api.Test;

/** Element types through the ops of RoBERTa's position ids and DistilBERT's mask. */
class DTypesTest {

    @Test
    void infersTypesThroughComparisonsCastsAndShapes() {
        Onnx.ValueInfoProto ids = Onnx.ValueInfoProto.newBuilder().setName("ids").setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(DTypes.INT64))).build();
        Onnx.GraphProto proto = Onnx.GraphProto.newBuilder().addInput(ids)
                .addInitializer(Nodes.int64(new long[0], 1).setName("one"))
                .addInitializer(Nodes.float32(new long[0], -1f).setName("fill"))
                .addNode(Nodes.node("eq", "Equal", List.of("ids", "one"), List.of("is_pad")))
                .addNode(Nodes.node("not", "Not", List.of("is_pad"), List.of("keep")))
                .addNode(Nodes.node("cast", "Cast", List.of("keep"), List.of("keep32"), Nodes.intAttr("to", DTypes.INT32)))
                .addNode(Nodes.node("cumsum", "CumSum", List.of("keep32", "one"), List.of("sums")))
                .addNode(Nodes.node("shape", "Shape", List.of("sums"), List.of("s")))
                .addNode(Nodes.node("expand", "Expand", List.of("is_pad", "s"), List.of("wide")))
                .addNode(Nodes.node("where", "Where", List.of("wide", "fill", "fill"), List.of("masked")))
                .build();
        DTypes types = DTypes.of(new OnnxGraph(proto, 14));
        assertEquals(DTypes.BOOL, types.of("is_pad"));
        assertEquals(DTypes.BOOL, types.of("keep"));
        assertEquals(DTypes.INT32, types.of("keep32"));
        assertEquals(DTypes.INT32, types.of("sums"));
        assertEquals(DTypes.INT64, types.of("s"));
        assertEquals(DTypes.BOOL, types.of("wide"));
        assertEquals(DTypes.FLOAT, types.of("masked"));
        assertEquals(DTypes.UNKNOWN, types.of("nowhere"));
    }
}
