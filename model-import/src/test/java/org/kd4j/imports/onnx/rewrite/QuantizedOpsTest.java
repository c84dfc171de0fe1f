package org.kd4j.imports.onnx.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kd4j.imports.onnx.graph.Nodes.float32;
import static org.kd4j.imports.onnx.graph.Nodes.intAttr;
import static org.kd4j.imports.onnx.graph.Nodes.node;
import static org.kd4j.imports.onnx.rewrite.RewriteCases.eightBit;
import static org.kd4j.imports.onnx.rewrite.RewriteCases.toFloat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import onnx.Onnx;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.imports.fixtures.DynamicQuantizer;
import org.kd4j.imports.onnx.SupportCheck;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The quantization rewrites through the whole standard pipeline and the SameDiff M2.1 importer, against ONNX
 * Runtime on the original graph: the rounding, DynamicQuantizeLinear on inputs of every sign (exact), casts between
 * the quantized ops, QuantizeLinear/DequantizeLinear pairs, and the opt-in {@link DequantizeWeights}.
 */
class QuantizedOpsTest {

    private static final Logger LOG = LogManager.getLogger(QuantizedOpsTest.class);

    private static Map<String, INDArray> viaPipeline(TinyGraph g, RewritePipeline pipeline, Map<String, INDArray> feed, Path dir)
            throws Exception {
        OnnxGraph graph = g.graph();
        pipeline.apply(graph);
        return TinyGraph.sameDiff(g.model(graph), feed, g.outputs(), dir, "samediff");
    }

    private static double maxDiff(Map<String, INDArray> expected, Map<String, INDArray> actual) {
        double worst = 0;
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).shape(), actual.get(name).shape(), "shape of " + name);
            worst = Math.max(worst, expected.get(name).sub(actual.get(name)).amaxNumber().doubleValue());
        }
        return worst;
    }

    private static Map<String, INDArray> ids(long[][] values) {
        return Map.of("x", Nd4j.createFromArray(values));
    }

    @Test
    void roundingIsHalfToEvenLikeOnnxRound(@TempDir Path dir) throws Exception {
        long[] values = new long[1601];
        for (int i = 0; i < values.length; i++) {
            values[i] = i - 800;
        }
        TinyGraph g = new TinyGraph(13).input("x", 1).output("halves").output("other")
                .initializer("half", float32(new long[0], 0.5f)).initializer("step", float32(new long[0], 0.37f))
                .node(toFloat("cast", "x", "xf"))
                .node(node("mul_half", "Mul", List.of("xf", "half"), List.of("xh")))
                .node(node("mul_step", "Mul", List.of("xf", "step"), List.of("xs")))
                .node(node("round_halves", "Round", List.of("xh"), List.of("halves")))
                .node(node("round_other", "Round", List.of("xs"), List.of("other")));
        Map<String, INDArray> feed = Map.of("x", Nd4j.createFromArray(values));
        GraphRewrite roundToFloatOps = new GraphRewrite() {
            @Override
            public String name() {
                return "round-as-float-ops";
            }

            @Override
            public String reason() {
                return "test: FloatOps.roundHalfEven in place of Round";
            }

            @Override
            public int apply(OnnxGraph graph) {
                for (Onnx.NodeProto n : graph.nodes()) {
                    if (n.getOpType().equals("Round")) {
                        FloatOps f = new FloatOps(graph, n, "round");
                        f.roundHalfEven(n.getInput(0), n.getOutput(0));
                        graph.replace(n, f.nodes());
                    }
                }
                return 1;
            }
        };

        Map<String, INDArray> ort = TinyGraph.ort(g.model(), feed, g.outputs(), dir, "ort");
        Map<String, INDArray> ours = viaPipeline(g, new RewritePipeline(List.of(roundToFloatOps)), feed, dir);

        assertEquals(0.0, maxDiff(ort, ours));
        // ties go to the even neighbour: -2.5 -> -2, -1.5 -> -2, 0.5 -> 0, 1.5 -> 2, 2.5 -> 2
        assertEquals(-2f, ours.get("halves").getFloat(800 - 5));
        assertEquals(-2f, ours.get("halves").getFloat(800 - 3));
        assertEquals(0f, ours.get("halves").getFloat(800 + 1));
        assertEquals(2f, ours.get("halves").getFloat(800 + 3));
        assertEquals(2f, ours.get("halves").getFloat(800 + 5));
    }

    @Test
    void dynamicQuantizeLinearIsExactForInputsOfEverySign(@TempDir Path dir) throws Exception {
        TinyGraph g = new TinyGraph(14).input("x", 3).output("q").output("scale").output("zero_point")
                .initializer("step", float32(new long[0], 0.0371f))
                .node(toFloat("cast", "x", "xf"))
                .node(node("mul", "Mul", List.of("xf", "step"), List.of("values")))
                .node(node("dql", "DynamicQuantizeLinear", List.of("values"), List.of("q8", "scale", "zp8")))
                .node(toFloat("cast_q", "q8", "q"))
                .node(toFloat("cast_zp", "zp8", "zero_point"));
        OnnxGraph graph = g.graph();
        RewritePipeline.standard().apply(graph);
        SameDiff sd = TinyGraph.importSameDiff(g.model(graph), dir, "samediff");
        Random random = new Random(11);
        int[][] ranges = {{-300, 300}, {0, 500}, {-500, 0}, {0, 0}, {-7, 250}};
        for (int[] range : ranges) {
            long[][][] values = new long[3][7][5];
            for (long[][] a : values) {
                for (long[] b : a) {
                    for (int k = 0; k < b.length; k++) {
                        b[k] = range[0] + random.nextInt(range[1] - range[0] + 1);
                    }
                }
            }
            Map<String, INDArray> feed = Map.of("x", Nd4j.createFromArray(values));
            Map<String, INDArray> ort = TinyGraph.ort(g.model(), feed, g.outputs(), dir, "ort");
            Map<String, INDArray> ours = TinyGraph.run(sd, feed, g.outputs());
            assertEquals(0.0, maxDiff(ort, ours), "inputs in " + range[0] + ".." + range[1] + ": ONNX Runtime " + ort + ", ours " + ours);
        }
    }

    /**
     * One linear layer on 3-D activations as quantize_dynamic writes it, with no-op casts to UINT8 between
     * DynamicQuantizeLinear and MatMulInteger (as some converters leave them) and per-column weight scales. The weights
     * stay within ±64 so that no pair of products leaves the int16 range, where ONNX Runtime without VNNI saturates
     * ({@link OrtU8S8Probe}).
     */
    @Test
    void quantizedLinearLayerWithCastsBetweenTheOps(@TempDir Path dir) throws Exception {
        TinyGraph g = embedded(new TinyGraph(13).input("x", 2).output("out"))
                .initializer("w", eightBit(DTypes.INT8, new long[] {3, 2}, -64, 64, 3, 63, -50, -1))
                .initializer("w_zp", eightBit(DTypes.INT8, new long[] {2}, 0, 0))
                .initializer("w_scale", float32(new long[] {2}, 0.01f, 0.02f))
                .node(node("dql", "DynamicQuantizeLinear", List.of("rows"), List.of("q", "s", "z")))
                .node(node("cast_q", "Cast", List.of("q"), List.of("q_u8"), intAttr("to", DTypes.UINT8)))
                .node(node("cast_z", "Cast", List.of("z"), List.of("z_u8"), intAttr("to", DTypes.UINT8)))
                .node(node("mmi", "MatMulInteger", List.of("q_u8", "w", "z_u8", "w_zp"), List.of("acc")))
                .node(toFloat("cast_acc", "acc", "acc_f"))
                .node(node("scales", "Mul", List.of("s", "w_scale"), List.of("product")))
                .node(node("out_mul", "Mul", List.of("acc_f", "product"), List.of("out")));
        Map<String, INDArray> feed = ids(new long[][] {{1, 0, 3, 2}, {3, 3, 0, 1}});

        Map<String, INDArray> ort = TinyGraph.ort(g.model(), feed, g.outputs(), dir, "ort");
        double diff = maxDiff(ort, viaPipeline(g, RewritePipeline.standard(), feed, dir));

        LOG.info("quantized linear layer with casts: max diff {}", diff);
        assertTrue(diff <= 1e-6, "differs by " + diff);
    }

    /** A pair of uint8 x int8 products above the int16 range (64,770): kd4j's rewrite keeps the exact integer sum. */
    @Test
    void pairOfProductsAboveTheInt16RangeIsExact(@TempDir Path dir) throws Exception {
        TinyGraph g = OrtU8S8Probe.graph();
        double kd4j = viaPipeline(g, RewritePipeline.standard(), OrtU8S8Probe.feed(), dir).get("acc_f").getDouble(0);
        LOG.info("uint8 x int8 pair above int16: kd4j {}, ONNX Runtime exact here: {}", kd4j, OrtU8S8Probe.exact(dir));
        assertEquals(OrtU8S8Probe.EXACT, kd4j);
    }

    /** QDQ form: QuantizeLinear of constant weights (per axis) and of activations, each followed by DequantizeLinear. */
    @Test
    void quantizeDequantizePairs(@TempDir Path dir) throws Exception {
        TinyGraph g = embedded(new TinyGraph(13).input("x", 2).output("out"))
                .initializer("w", float32(new long[] {3, 2}, 0.31f, -1.2f, 0.07f, 0.5f, -0.66f, 2.01f))
                .initializer("w_scale", float32(new long[] {2}, 0.01f, 0.02f))
                .initializer("w_zp", eightBit(DTypes.INT8, new long[] {2}, 0, 1))
                .initializer("a_scale", float32(new long[0], 0.03f))
                .initializer("a_zp", eightBit(DTypes.UINT8, new long[0], 120))
                .node(node("q_w", "QuantizeLinear", List.of("w", "w_scale", "w_zp"), List.of("wq"), intAttr("axis", 1)))
                .node(node("dq_w", "DequantizeLinear", List.of("wq", "w_scale", "w_zp"), List.of("wd"), intAttr("axis", 1)))
                .node(node("q_a", "QuantizeLinear", List.of("rows", "a_scale", "a_zp"), List.of("aq")))
                .node(node("dq_a", "DequantizeLinear", List.of("aq", "a_scale", "a_zp"), List.of("ad")))
                .node(node("matmul", "MatMul", List.of("ad", "wd"), List.of("out")));
        Map<String, INDArray> feed = ids(new long[][] {{1, 0, 3, 2}, {3, 3, 0, 1}});

        Map<String, INDArray> ort = TinyGraph.ort(g.model(), feed, g.outputs(), dir, "ort");
        double diff = maxDiff(ort, viaPipeline(g, RewritePipeline.standard(), feed, dir));

        LOG.info("QuantizeLinear/DequantizeLinear pairs: max diff {}", diff);
        assertTrue(diff <= 1e-6, "differs by " + diff);
    }

    @Test
    void dequantizeWeightsMakesAFloatLayerWithTheDequantizedWeights(@TempDir Path dir) throws Exception {
        float[] w = {0.31f, -1.2f, 0.07f, 0.5f, -0.66f, 2.01f};
        TinyGraph floatLayer = embedded(new TinyGraph(14).input("x", 2).output("out"))
                .initializer("w", float32(new long[] {3, 2}, w))
                .node(node("linear", "MatMul", List.of("rows", "w"), List.of("out")));
        Onnx.ModelProto quantized = DynamicQuantizer.quantize(floatLayer.model(), new DynamicQuantizer.Options(true, false));
        OnnxGraph graph = new OnnxGraph(quantized.getGraph(), 14);
        assertTrue(graph.opCounts().containsKey("MatMulInteger"), graph.opCounts().toString());

        int changed = new DequantizeWeights().apply(graph);

        assertEquals(1, changed);
        assertEquals(Map.of("Gather", 1, "MatMul", 1), graph.opCounts());
        Onnx.NodeProto matmul = graph.nodes().stream().filter(n -> n.getOpType().equals("MatMul")).findFirst().orElseThrow();
        float[] weights = Nodes.floats(graph.initializer(matmul.getInput(1)));
        for (int i = 0; i < w.length; i++) {
            float columnScale = (i % 2 == 0 ? 0.66f : 2.01f) / 127f;
            assertEquals(Math.rint(w[i] / columnScale) * columnScale, weights[i], 1e-6, "weight " + i);
            assertEquals(w[i], weights[i], columnScale / 2 + 1e-7, "weight " + i + " within half a step");
        }
        Map<String, INDArray> feed = ids(new long[][] {{1, 0, 3, 2}, {3, 3, 0, 1}});
        Map<String, INDArray> original = TinyGraph.ort(floatLayer.model(), feed, floatLayer.outputs(), dir, "float");
        Onnx.ModelProto dequantized = quantized.toBuilder().setGraph(graph.toProto()).build();
        Map<String, INDArray> ours = TinyGraph.ort(dequantized, feed, floatLayer.outputs(), dir, "dequantized");
        // 3 inputs of magnitude <= 3 times weights off by at most half a step (2.01 / 127 / 2)
        assertTrue(maxDiff(original, ours) <= 3 * 3 * 2.01 / 127 / 2, "differs by " + maxDiff(original, ours));
    }

    @Test
    void dequantizeWeightsIsOptIn() {
        List<String> standard = RewritePipeline.standard().rewrites().stream().map(GraphRewrite::name).toList();
        List<String> opted = RewritePipeline.standard().withDequantizedWeights().rewrites().stream().map(GraphRewrite::name).toList();
        assertFalse(standard.contains("dequantize-weights"));
        assertEquals(opted.indexOf("dynamic-quantize-linear-as-float") - 1, opted.indexOf("dequantize-weights"), opted.toString());
        List<String> rest = new ArrayList<>(opted);
        rest.remove("dequantize-weights");
        assertEquals(standard, rest);
    }

    @Test
    void dequantizeWeightsLeavesOtherFormsQuantized() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .initializer("w", eightBit(DTypes.INT8, new long[] {2, 2}, 1, -1, 2, 3))
                .node(node("to_u8", "Cast", List.of("x"), List.of("a"), intAttr("to", DTypes.UINT8)))
                .node(node("mmi", "MatMulInteger", List.of("a", "w"), List.of("acc")))
                .node(toFloat("cast", "acc", "out"));
        OnnxGraph graph = g.graph();
        assertEquals(0, new DequantizeWeights().apply(graph));
        assertTrue(graph.opCounts().containsKey("MatMulInteger"));
    }

    @Test
    void leftoverEightBitInitializersAreReported() {
        TinyGraph g = new TinyGraph(14).input("x", 2).output("out")
                .initializer("codes", eightBit(DTypes.INT8, new long[] {2}, 1, -1))
                .node(toFloat("cast", "codes", "codes_f"))
                .node(toFloat("cast_x", "x", "xf"))
                .node(node("add", "Add", List.of("xf", "codes_f"), List.of("out")));
        List<String> problems = SupportCheck.rewriteAndCheck(g.graph(), RewritePipeline.standard());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("initializer 'codes'") && problems.get(0).contains("INT8"), problems.get(0));
    }

    /**
     * {@code rows}: {@code Gather(table, x)}, a [B, L, 3] FLOAT tensor (x's ids index a 4 x 3 table), so that its width
     * comes from the graph (the M2.1 importer evaluates ops on [1, 1] stand-ins for the inputs).
     */
    private static TinyGraph embedded(TinyGraph g) {
        return g.initializer("table", float32(new long[] {4, 3}, 0.9f, -1.7f, 0.2f, -3.1f, 1.25f, 2.6f, 0f, 0.45f, -0.8f, 1.9f, 1.1f, -0.35f))
                .node(node("gather", "Gather", List.of("table", "x"), List.of("rows")));
    }
}
