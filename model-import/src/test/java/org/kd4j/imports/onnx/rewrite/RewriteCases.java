package org.kd4j.imports.onnx.rewrite;

import static org.kd4j.imports.onnx.graph.Nodes.float32;
import static org.kd4j.imports.onnx.graph.Nodes.int64;
import static org.kd4j.imports.onnx.graph.Nodes.int64Vector;
import static org.kd4j.imports.onnx.graph.Nodes.intAttr;
import static org.kd4j.imports.onnx.graph.Nodes.ints;
import static org.kd4j.imports.onnx.graph.Nodes.node;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.graph.Ranks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.ByteString;

/**
 * One small graph per rewrite of {@link RewritePipeline#standard()}, each containing the construct the rewrite
 * removes. Inputs: {@code x} INT64 [2, 3] (token-id-like, with zeros) and {@code y} INT64 [2, 2, 3].
 */
final class RewriteCases {

    private static final int FLOAT = DTypes.FLOAT;

    private RewriteCases() {}

    /** The feed for every case (only the graph's own inputs are passed on). */
    static Map<String, INDArray> feed() {
        return Map.of("x", Nd4j.createFromArray(new long[][] {{1, 0, 3}, {0, 2, 2}}),
                "y", Nd4j.createFromArray(new long[][][] {{{1, 2, 3}, {4, 5, 6}}, {{0, 1, 0}, {7, 1, 2}}}));
    }

    static Stream<RewriteCase> all() {
        return Stream.of(safeTensorNames(), constantsToInitializers(), identityRemoval(), reshapeAllowZero(),
                reshapeZero(), constantOfShape(), notAsSubtraction(), whereExplicitBroadcast(), nonFloatExpand(), integerCumSum(),
                layerNormalization(), gemm(), squarePow(), sliceToGather(), scalarGather(), explicitReduceAxes(),
                linearMatMul(), dynamicQuantizeLinear(), quantizeLinear(), matMulInteger(), dequantizeLinear());
    }

    static Onnx.NodeProto toFloat(String name, String in, String out) {
        return node(name, "Cast", List.of(in), List.of(out), intAttr("to", FLOAT));
    }

    static Onnx.TensorProto.Builder int32Scalar(int v) {
        return Onnx.TensorProto.newBuilder().setDataType(DTypes.INT32)
                .setRawData(ByteString.copyFrom(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array()));
    }

    static boolean noOp(OnnxGraph g, String op) {
        return g.nodes().stream().noneMatch(n -> n.getOpType().equals(op));
    }

    static RewriteCase safeTensorNames() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .node(toFloat("/Cast", "x", "onnx::Neg_1"))
                .node(node("/Neg", "Neg", List.of("onnx::Neg_1"), List.of("out")));
        return new RewriteCase("safe-tensor-names", SafeTensorNames::new, g, gr -> gr.nodes().stream()
                .allMatch(n -> Stream.concat(n.getInputList().stream(), n.getOutputList().stream()).noneMatch(s -> s.contains(":"))),
                false);
    }

    static RewriteCase constantsToInitializers() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .node(node("c", "Constant", List.of(), List.of("two"), Onnx.AttributeProto.newBuilder().setName("value")
                        .setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(float32(new long[0], 2f)).build()))
                .node(toFloat("cast", "x", "xf"))
                .node(node("mul", "Mul", List.of("xf", "two"), List.of("out")));
        return new RewriteCase("constants-to-initializers", ConstantsToInitializers::new, g, gr -> noOp(gr, "Constant"), false);
    }

    static RewriteCase identityRemoval() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out").output("out2")
                .node(toFloat("cast", "x", "xf"))
                .node(node("id_inner", "Identity", List.of("xf"), List.of("xf_copy")))
                .node(node("neg", "Neg", List.of("xf_copy"), List.of("negated")))
                .node(node("id_output", "Identity", List.of("negated"), List.of("out")))
                .node(node("sqrt", "Sqrt", List.of("xf_copy"), List.of("out2")));
        return new RewriteCase("identity-removal", IdentityRemoval::new, g, gr -> noOp(gr, "Identity"), false);
    }

    static RewriteCase reshapeAllowZero() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .initializer("flat", int64Vector(-1))
                .node(toFloat("cast", "x", "xf"))
                .node(node("reshape", "Reshape", List.of("xf", "flat"), List.of("out"), intAttr("allowzero", 0)));
        return new RewriteCase("reshape-allowzero-removal", ReshapeAllowZeroRemoval::new, g,
                gr -> gr.nodes().stream().allMatch(n -> Nodes.attribute(n, "allowzero") == null), false);
    }

    /**
     * An embedding lookup [2, 3, 4] split into heads with the shape [0, 0, 2, 2] (copy batch and sequence) and
     * flattened with [0, -1], as some exporters write {@code transpose_for_scores}.
     */
    static TinyGraph reshapeZeroGraph(boolean shapesFromConstantNodes) {
        float[] table = new float[16];
        for (int i = 0; i < table.length; i++) {
            table[i] = (i % 6 - 2.5f) * 0.5f;
        }
        TinyGraph g = new TinyGraph(14).input("x", 2).output("heads").output("flat")
                .initializer("table", float32(new long[] {4, 4}, table))
                .node(node("lookup", "Gather", List.of("table", "x"), List.of("embedded")));
        long[][] shapes = {{0, 0, 2, 2}, {0, -1}};
        String[] names = {"heads", "flat"};
        for (int i = 0; i < shapes.length; i++) {
            String shape = names[i] + "_shape";
            if (shapesFromConstantNodes) {
                g.node(node(shape + "_node", "Constant", List.of(), List.of(shape), Onnx.AttributeProto.newBuilder()
                        .setName("value").setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(int64Vector(shapes[i])).build()));
                g.node(node("reshape_" + names[i], "Reshape", List.of("embedded", shape), List.of(names[i]), intAttr("allowzero", 0)));
            } else {
                g.initializer(shape, int64Vector(shapes[i]));
                g.node(node("reshape_" + names[i], "Reshape", List.of("embedded", shape), List.of(names[i])));
            }
        }
        return g;
    }

    static RewriteCase reshapeZero() {
        return new RewriteCase("reshape-zero-to-input-dims", ReshapeZeroToInputDims::new, reshapeZeroGraph(false),
                gr -> gr.nodes().stream().filter(n -> n.getOpType().equals("Reshape"))
                        .allMatch(n -> gr.initializer(n.getInput(1)) == null
                                || java.util.Arrays.stream(Nodes.longs(gr.initializer(n.getInput(1)))).noneMatch(d -> d == 0)),
                true);
    }

    static RewriteCase constantOfShape() {
        TinyGraph g = new TinyGraph(11).input("x", 2).output("out")
                .node(node("shape", "Shape", List.of("x"), List.of("s")))
                .node(node("cos", "ConstantOfShape", List.of("s"), List.of("threes"), Onnx.AttributeProto.newBuilder()
                        .setName("value").setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(float32(new long[] {1}, 3f)).build()))
                .node(toFloat("cast", "x", "xf"))
                .node(node("add", "Add", List.of("xf", "threes"), List.of("out")));
        return new RewriteCase("constant-of-shape-to-expand", ConstantOfShapeToExpand::new, g, gr -> noOp(gr, "ConstantOfShape"), false);
    }

    static RewriteCase notAsSubtraction() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .initializer("one", int64(new long[0], 1))
                .node(node("eq", "Equal", List.of("x", "one"), List.of("is_one")))
                .node(node("not", "Not", List.of("is_one"), List.of("not_one")))
                .node(toFloat("cast", "not_one", "out"));
        return new RewriteCase("not-as-subtraction", NotAsSubtraction::new, g, gr -> noOp(gr, "Not"), true);
    }

    static RewriteCase whereExplicitBroadcast() {
        TinyGraph g = new TinyGraph(14).input("x", 2).input("y", 3).output("out")
                .initializer("zero", int64(new long[0], 0)).initializer("axis", int64Vector(1))
                .initializer("fill", float32(new long[0], -1e4f))
                .node(node("eq", "Equal", List.of("x", "zero"), List.of("is_zero")))
                .node(node("unsqueeze", "Unsqueeze", List.of("is_zero", "axis"), List.of("mask")))
                .node(toFloat("cast", "y", "scores"))
                .node(node("where", "Where", List.of("mask", "fill", "scores"), List.of("out")));
        return new RewriteCase("where-explicit-broadcast", WhereExplicitBroadcast::new, g, RewriteCases::whereOperandsExpanded, true);
    }

    /** Every Where operand comes from an Expand, directly or through one Cast. */
    private static boolean whereOperandsExpanded(OnnxGraph g) {
        return g.nodes().stream().filter(n -> n.getOpType().equals("Where")).flatMap(n -> n.getInputList().stream())
                .allMatch(s -> {
                    Onnx.NodeProto p = g.producer(s);
                    if (p != null && p.getOpType().equals("Cast")) {
                        p = g.producer(p.getInput(0));
                    }
                    return p != null && p.getOpType().equals("Expand");
                });
    }

    static RewriteCase nonFloatExpand() {
        TinyGraph g = new TinyGraph(14).input("x", 2).input("y", 3).output("out").output("out_bool")
                .initializer("axis", int64Vector(1)).initializer("zero", int64(new long[0], 0))
                .node(node("unsqueeze", "Unsqueeze", List.of("x", "axis"), List.of("x3")))
                .node(node("shape", "Shape", List.of("y"), List.of("s")))
                .node(node("expand_long", "Expand", List.of("x3", "s"), List.of("x_expanded")))
                .node(node("eq_y", "Equal", List.of("x_expanded", "y"), List.of("same")))
                .node(toFloat("cast", "same", "out"))
                .node(node("eq", "Equal", List.of("x3", "zero"), List.of("is_zero")))
                .node(node("expand_bool", "Expand", List.of("is_zero", "s"), List.of("zero_expanded")))
                .node(toFloat("cast_bool", "zero_expanded", "out_bool"));
        return new RewriteCase("non-float-expand", NonFloatExpand::new, g, gr -> {
            DTypes types = DTypes.of(gr);
            return gr.nodes().stream().filter(n -> n.getOpType().equals("Expand")).allMatch(n -> types.of(n.getInput(0)) == FLOAT);
        }, true);
    }

    static RewriteCase integerCumSum() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .initializer("axis", int32Scalar(1))
                .node(node("to_int", "Cast", List.of("x"), List.of("xi"), intAttr("to", DTypes.INT32)))
                .node(node("cumsum", "CumSum", List.of("xi", "axis"), List.of("sums")))
                .node(toFloat("cast", "sums", "out"));
        return new RewriteCase("integer-cumsum-as-float", IntegerCumSumAsFloat::new, g, gr -> {
            DTypes types = DTypes.of(gr);
            return gr.nodes().stream().filter(n -> n.getOpType().equals("CumSum")).allMatch(n -> types.of(n.getInput(0)) == FLOAT);
        }, true);
    }

    static RewriteCase layerNormalization() {
        TinyGraph g = new TinyGraph(17).input("y", 3).output("out")
                .initializer("scale", float32(new long[] {3}, 1f, 0.5f, 2f))
                .initializer("bias", float32(new long[] {3}, 0.1f, -0.2f, 0.3f))
                .node(toFloat("cast", "y", "yf"))
                .node(node("ln", "LayerNormalization", List.of("yf", "scale", "bias"), List.of("out"),
                        intAttr("axis", -1), Nodes.floatAttr("epsilon", 1e-5f)));
        return new RewriteCase("layer-normalization-decomposition", LayerNormalizationDecomposition::new, g,
                gr -> noOp(gr, "LayerNormalization"), false);
    }

    static RewriteCase gemm() {
        float[] w = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 5 - 2) * 0.25f;
        }
        TinyGraph g = new TinyGraph(11).input("x", 2).output("out")
                .initializer("w", float32(new long[] {4, 3}, w))
                .initializer("c", float32(new long[] {4}, 1f, -1f, 0.5f, 2f))
                .node(toFloat("cast", "x", "xf"))
                .node(node("gemm", "Gemm", List.of("xf", "w", "c"), List.of("out"), intAttr("transB", 1),
                        Nodes.floatAttr("alpha", 0.5f), Nodes.floatAttr("beta", 2f)));
        return new RewriteCase("gemm-to-matmul-add", GemmToMatMulAdd::new, g, gr -> noOp(gr, "Gemm"), false);
    }

    static RewriteCase squarePow() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .initializer("two", float32(new long[0], 2f))
                .node(toFloat("cast", "x", "xf"))
                .node(node("pow", "Pow", List.of("xf", "two"), List.of("out")));
        return new RewriteCase("square-pow-to-mul", SquarePowToMul::new, g, gr -> noOp(gr, "Pow"), false);
    }

    static RewriteCase sliceToGather() {
        long[] positions = {10, 11, 12, 13, 14, 15, 16, 17};
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .initializer("buffer", int64(new long[] {1, 8}, positions))
                .initializer("one_index", int64(new long[0], 1)).initializer("axis0", int64Vector(0))
                .initializer("starts", int64Vector(0)).initializer("axes", int64Vector(1)).initializer("steps", int64Vector(1))
                .node(node("shape", "Shape", List.of("x"), List.of("s")))
                .node(node("len", "Gather", List.of("s", "one_index"), List.of("length"), intAttr("axis", 0)))
                .node(node("unsqueeze", "Unsqueeze", List.of("length", "axis0"), List.of("ends")))
                .node(node("slice", "Slice", List.of("buffer", "starts", "ends", "axes", "steps"), List.of("sliced")))
                .node(toFloat("cast", "sliced", "out"));
        return new RewriteCase("dynamic-slice-to-gather", SliceToGather::new, g, gr -> noOp(gr, "Slice"), false);
    }

    static RewriteCase scalarGather() {
        TinyGraph g = new TinyGraph(11).input("x", 2).input("y", 3).output("out").output("out_length")
                .initializer("zero_index", int64(new long[0], 0)).initializer("one_index", int64(new long[0], 1))
                .node(toFloat("cast", "y", "hidden"))
                .node(node("cls", "Gather", List.of("hidden", "zero_index"), List.of("out"), intAttr("axis", 1)))
                .node(node("shape", "Shape", List.of("x"), List.of("s")))
                .node(node("len", "Gather", List.of("s", "one_index"), List.of("length"), intAttr("axis", 0)))
                .node(toFloat("cast_length", "length", "out_length"));
        return new RewriteCase("scalar-gather-to-squeeze", ScalarGatherToSqueeze::new, g, gr -> gr.nodes().stream()
                .filter(n -> n.getOpType().equals("Gather"))
                .allMatch(n -> gr.initializer(n.getInput(1)) == null || gr.initializer(n.getInput(1)).getDimsCount() == 1), false);
    }

    static RewriteCase explicitReduceAxes() {
        TinyGraph g = new TinyGraph(14).input("y", 3).output("out")
                .node(toFloat("cast", "y", "yf"))
                .node(node("mean", "ReduceMean", List.of("yf"), List.of("out"), ints("axes", -1)));
        return new RewriteCase("explicit-reduce-axes", ExplicitReduceAxes::new, g, gr -> gr.nodes().stream()
                .filter(n -> n.getOpType().startsWith("Reduce"))
                .allMatch(n -> Nodes.attribute(n, "keepdims") != null
                        && java.util.Arrays.stream(Ranks.axes(gr, n)).allMatch(a -> a >= 0)), false);
    }

    static RewriteCase linearMatMul() {
        float[] w = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7 - 3) * 0.125f;
        }
        TinyGraph g = new TinyGraph(14).input("y", 3).output("out")
                .initializer("w", float32(new long[] {3, 4}, w))
                .node(toFloat("cast", "y", "yf"))
                .node(node("linear", "MatMul", List.of("yf", "w"), List.of("out")));
        return new RewriteCase("linear-matmul-flatten", LinearMatMulFlatten::new, g, gr -> {
            Ranks ranks = Ranks.of(gr);
            return gr.nodes().stream().filter(n -> n.getOpType().equals("MatMul"))
                    .allMatch(n -> ranks.rank(n.getInput(0)) == 2 || ranks.rank(n.getInput(1)) != 2);
        }, false);
    }

    /** An INT8 or UINT8 tensor (raw data, values in range). */
    static Onnx.TensorProto.Builder eightBit(int type, long[] shape, int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setDataType(type).setRawData(ByteString.copyFrom(bytes));
        for (long d : shape) {
            b.addDims(d);
        }
        return b;
    }

    /** No node reads an INT8/UINT8 initializer (unread ones are pruned at the end of the pipeline). */
    private static boolean noQuantizedInitializers(OnnxGraph g) {
        return g.nodes().stream().flatMap(n -> n.getInputList().stream()).map(g::initializer)
                .noneMatch(t -> t != null && DTypes.isEightBit(t.getDataType()));
    }

    /** y as floats with negatives, [-1.1, 1.9]: DynamicQuantizeLinear's three outputs, two of them cast. */
    static RewriteCase dynamicQuantizeLinear() {
        TinyGraph g = new TinyGraph(14).input("y", 3).output("out").output("out_scale").output("out_zero_point")
                .initializer("step", float32(new long[0], 0.37f)).initializer("offset", float32(new long[0], 1.1f))
                .node(toFloat("cast", "y", "yf"))
                .node(node("mul", "Mul", List.of("yf", "step"), List.of("scaled")))
                .node(node("sub", "Sub", List.of("scaled", "offset"), List.of("values")))
                .node(node("dql", "DynamicQuantizeLinear", List.of("values"), List.of("q", "out_scale", "zp")))
                .node(toFloat("cast_q", "q", "out"))
                .node(toFloat("cast_zp", "zp", "out_zero_point"));
        return new RewriteCase("dynamic-quantize-linear-as-float", DynamicQuantizeLinearAsFloat::new, g,
                gr -> noOp(gr, "DynamicQuantizeLinear"), true);
    }

    /** A run-time QuantizeLinear to INT8 with a nonzero zero point, values saturating at both ends. */
    static RewriteCase quantizeLinear() {
        TinyGraph g = new TinyGraph(13).input("y", 3).output("out")
                .initializer("step", float32(new long[0], 9.5f)).initializer("offset", float32(new long[0], 28f))
                .initializer("scale", float32(new long[0], 0.25f))
                .initializer("zero_point", eightBit(DTypes.INT8, new long[0], 3))
                .node(toFloat("cast", "y", "yf"))
                .node(node("mul", "Mul", List.of("yf", "step"), List.of("scaled")))
                .node(node("sub", "Sub", List.of("scaled", "offset"), List.of("values")))
                .node(node("ql", "QuantizeLinear", List.of("values", "scale", "zero_point"), List.of("q")))
                .node(toFloat("cast_q", "q", "out"));
        return new RewriteCase("quantize-linear-as-float", QuantizeLinearAsFloat::new, g, gr -> noOp(gr, "QuantizeLinear"), true);
    }

    /**
     * {@code out} = max over the positions of {@code Gather(table, x)}: a [2, 3] FLOAT matrix of small integers made
     * from x. The M2.1 importer evaluates ops on [1, 1] stand-ins for the inputs, so a matrix multiplied by a [3, N]
     * weight must get its width from the graph, not from x.
     */
    static TinyGraph rowsOf(TinyGraph g, String out) {
        return g.initializer(out + "_table", float32(new long[] {4, 3}, 2, -1, 0, -3, 1, 3, 0, 2, -2, 1, 1, -1))
                .node(node(out + "_gather", "Gather", List.of(out + "_table", "x"), List.of(out + "_rows")))
                .node(node(out + "_max", "ReduceMax", List.of(out + "_rows"), List.of(out), ints("axes", 1), intAttr("keepdims", 0)));
    }

    /** UINT8 activations with a zero point times INT8 weights with per-column zero points. */
    static RewriteCase matMulInteger() {
        TinyGraph g = rowsOf(new TinyGraph(14).input("x", 2).output("out"), "small")
                .initializer("offset", float32(new long[0], 100f))
                .initializer("w", eightBit(DTypes.INT8, new long[] {3, 4}, -128, 127, 5, -7, 33, 0, -90, 64, 1, -1, 100, -100))
                .initializer("a_zp", eightBit(DTypes.UINT8, new long[0], 101))
                .initializer("w_zp", eightBit(DTypes.INT8, new long[] {4}, 0, -3, 7, 1))
                .node(node("add", "Add", List.of("small", "offset"), List.of("shifted")))
                .node(node("to_u8", "Cast", List.of("shifted"), List.of("a"), intAttr("to", DTypes.UINT8)))
                .node(node("mmi", "MatMulInteger", List.of("a", "w", "a_zp", "w_zp"), List.of("acc")))
                .node(toFloat("cast", "acc", "out"));
        return new RewriteCase("matmul-integer-as-float", MatMulIntegerAsFloat::new, g,
                gr -> noOp(gr, "MatMulInteger") && noQuantizedInitializers(gr), true);
    }

    /**
     * The three forms: per-axis INT8 weights, ONNX Runtime's quantized embedding (Gather of a UINT8 table, then
     * DequantizeLinear) and a run-time UINT8 tensor.
     */
    static RewriteCase dequantizeLinear() {
        TinyGraph g = rowsOf(new TinyGraph(13).input("x", 2).output("out").output("out_embedded").output("out_runtime"), "xf")
                .initializer("w", eightBit(DTypes.INT8, new long[] {3, 2}, -127, 5, 60, -3, 0, 99))
                .initializer("w_scale", float32(new long[] {2}, 0.02f, 0.5f))
                .initializer("w_zp", eightBit(DTypes.INT8, new long[] {2}, 0, 2))
                .initializer("table", eightBit(DTypes.UINT8, new long[] {4, 3}, 0, 255, 128, 7, 200, 129, 64, 31, 250, 1, 2, 3))
                .initializer("t_scale", float32(new long[0], 0.01f))
                .initializer("t_zp", eightBit(DTypes.UINT8, new long[0], 128))
                .initializer("r_scale", float32(new long[0], 0.125f))
                .initializer("r_zp", eightBit(DTypes.UINT8, new long[0], 2))
                .node(node("dq_w", "DequantizeLinear", List.of("w", "w_scale", "w_zp"), List.of("wf"), intAttr("axis", 1)))
                .node(node("matmul", "MatMul", List.of("xf", "wf"), List.of("out")))
                .node(node("gather", "Gather", List.of("table", "x"), List.of("rows_q")))
                .node(node("dq_t", "DequantizeLinear", List.of("rows_q", "t_scale", "t_zp"), List.of("out_embedded")))
                .node(node("to_u8", "Cast", List.of("x"), List.of("xq"), intAttr("to", DTypes.UINT8)))
                .node(node("dq_r", "DequantizeLinear", List.of("xq", "r_scale", "r_zp"), List.of("out_runtime")));
        return new RewriteCase("dequantize-linear-as-float", DequantizeLinearAsFloat::new, g,
                gr -> noOp(gr, "DequantizeLinear") && noQuantizedInitializers(gr), true);
    }
}
