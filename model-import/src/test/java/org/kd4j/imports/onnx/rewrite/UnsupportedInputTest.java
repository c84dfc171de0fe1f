package org.kd4j.imports.onnx.rewrite;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kd4j.imports.onnx.graph.Nodes.float32;
import static org.kd4j.imports.onnx.graph.Nodes.int64;
import static org.kd4j.imports.onnx.graph.Nodes.int64Vector;
import static org.kd4j.imports.onnx.graph.Nodes.intAttr;
import static org.kd4j.imports.onnx.graph.Nodes.node;
import static org.kd4j.imports.onnx.rewrite.RewriteCases.toFloat;

import java.util.List;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;

/** Rewrites refuse input they cannot handle with an {@link UnsupportedConstructException} naming the node. */
class UnsupportedInputTest {

    private static void assertRefuses(GraphRewrite rewrite, TinyGraph graph, String node, String reason) {
        UnsupportedConstructException e = assertThrows(UnsupportedConstructException.class, () -> rewrite.apply(graph.graph()));
        assertTrue(e.getMessage().contains("'" + node + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private static Onnx.AttributeProto tensorAttr(String name, Onnx.TensorProto.Builder t) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(t).build();
    }

    @Test
    void constantWithASparseValue() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .node(node("the_constant", "Constant", List.of(), List.of("c"), Onnx.AttributeProto.newBuilder()
                        .setName("sparse_value").setType(Onnx.AttributeProto.AttributeType.SPARSE_TENSOR).build()))
                .node(node("add", "Add", List.of("x", "c"), List.of("out")));
        assertRefuses(new ConstantsToInitializers(), g, "the_constant", "sparse_value");
    }

    @Test
    void reshapeWithAllowZero() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out").initializer("flat", int64Vector(-1))
                .node(node("the_reshape", "Reshape", List.of("x", "flat"), List.of("out"), intAttr("allowzero", 1)));
        assertRefuses(new ReshapeAllowZeroRemoval(), g, "the_reshape", "allowzero=1");
    }

    @Test
    void constantOfShapeWithAVectorValue() {
        TinyGraph g = new TinyGraph(11).input("x", 2).output("out")
                .node(node("shape", "Shape", List.of("x"), List.of("s")))
                .node(node("the_fill", "ConstantOfShape", List.of("s"), List.of("out"),
                        tensorAttr("value", float32(new long[] {2}, 1f, 2f))));
        assertRefuses(new ConstantOfShapeToExpand(), g, "the_fill", "one element");
    }

    @Test
    void expandOfDoubles() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .node(node("to_double", "Cast", List.of("x"), List.of("xd"), intAttr("to", Onnx.TensorProto.DataType.DOUBLE.getNumber())))
                .node(node("shape", "Shape", List.of("x"), List.of("s")))
                .node(node("the_expand", "Expand", List.of("xd", "s"), List.of("out")));
        assertRefuses(new NonFloatExpand(), g, "the_expand", "element type");
    }

    @Test
    void layerNormalizationOverAnotherAxis() {
        TinyGraph g = new TinyGraph(17).input("y", 3).output("out")
                .initializer("scale", float32(new long[] {2}, 1f, 1f))
                .node(toFloat("cast", "y", "yf"))
                .node(node("the_norm", "LayerNormalization", List.of("yf", "scale"), List.of("out"), intAttr("axis", 1)));
        assertRefuses(new LayerNormalizationDecomposition(), g, "the_norm", "axis 1");
    }

    @Test
    void dynamicSliceWithAStep() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .initializer("starts", int64Vector(0)).initializer("axes", int64Vector(1)).initializer("steps", int64Vector(2))
                .node(node("shape", "Shape", List.of("x"), List.of("s")))
                .node(node("the_slice", "Slice", List.of("x", "starts", "s", "axes", "steps"), List.of("out")));
        assertRefuses(new SliceToGather(), g, "the_slice", "step 1");
    }

    @Test
    void scalarGatherOnAnInputOfUnknownRank() {
        // a Reshape to a run-time shape of unknown length: the rank of its output cannot be known statically
        TinyGraph g = new TinyGraph(14).input("x", 2).input("s", 1).output("out").initializer("zero", int64(new long[0], 0))
                .node(node("reshape", "Reshape", List.of("x", "s"), List.of("r")))
                .node(node("the_gather", "Gather", List.of("r", "zero"), List.of("out"), intAttr("axis", 0)));
        assertRefuses(new ScalarGatherToSqueeze(), g, "the_gather", "unknown rank");
    }

    @Test
    void reductionOverAllAxes() {
        TinyGraph g = new TinyGraph(14).input("y", 3).output("out")
                .node(toFloat("cast", "y", "yf"))
                .node(node("the_mean", "ReduceMean", List.of("yf"), List.of("out"), Nodes.intAttr("keepdims", 0)));
        assertRefuses(new ExplicitReduceAxes(), g, "the_mean", "axes must be constant");
    }

    @Test
    void matMulByARunTimeMatrix() {
        TinyGraph g = new TinyGraph(14).input("x", 2).input("y", 3).output("out")
                .node(toFloat("cast_x", "x", "xf"))
                .node(toFloat("cast_y", "y", "yf"))
                .node(node("the_matmul", "MatMul", List.of("yf", "xf"), List.of("out")));
        assertRefuses(new LinearMatMulFlatten(), g, "the_matmul", "run-time 2-D matrix");
    }

    @Test
    void matMulIntegerWithAPerRowZeroPoint() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .initializer("w", RewriteCases.eightBit(DTypes.INT8, new long[] {3, 2}, 1, 2, 3, 4, 5, 6))
                .initializer("a_zp", RewriteCases.eightBit(DTypes.UINT8, new long[] {2}, 1, 2))
                .node(node("to_u8", "Cast", List.of("x"), List.of("a"), intAttr("to", DTypes.UINT8)))
                .node(node("the_mmi", "MatMulInteger", List.of("a", "w", "a_zp"), List.of("acc")))
                .node(toFloat("cast", "acc", "out"));
        assertRefuses(new MatMulIntegerAsFloat(), g, "the_mmi", "A zero point of shape");
    }

    @Test
    void dequantizedGatherPerAxisOverTheRows() {
        TinyGraph g = new TinyGraph(13).input("x", 2).output("out")
                .initializer("table", RewriteCases.eightBit(DTypes.UINT8, new long[] {4, 2}, 1, 2, 3, 4, 5, 6, 7, 8))
                .initializer("scale", float32(new long[] {2}, 0.5f, 0.25f))
                .node(node("gather", "Gather", List.of("table", "x"), List.of("rows")))
                .node(node("the_dq", "DequantizeLinear", List.of("rows", "scale"), List.of("out"), intAttr("axis", 0)));
        assertRefuses(new DequantizeLinearAsFloat(), g, "the_dq", "per-axis dequantization of a Gather output");
    }
}
