package org.kd4j.imports.onnx.rewrite;

import static org.kd4j.imports.onnx.graph.Nodes.float32;
import static org.kd4j.imports.onnx.graph.Nodes.intAttr;
import static org.kd4j.imports.onnx.graph.Nodes.node;
import static org.kd4j.imports.onnx.rewrite.RewriteCases.eightBit;
import static org.kd4j.imports.onnx.rewrite.RewriteCases.toFloat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.kd4j.imports.onnx.graph.DTypes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whether ONNX Runtime's uint8 x int8 {@code MatMulInteger} is exact on this CPU. On x86-64 without VNNI its kernel
 * adds pairs of products in 16 bits, so a pair above 32,767 saturates (seen on an AVX2 machine without VNNI,
 * 2026-12-03); kd4j's rewrite computes the exact integer sum, so a test that takes ONNX Runtime as the reference on
 * full-range int8 weights cannot judge kd4j there. {@link #unsignedExact} probes its uint8 x uint8 kernel, which an
 * {@code UnsignedTwin} of such a model runs instead.
 */
public final class OrtU8S8Probe {

    /** 255 x 127 + 255 x 127: above the int16 range, so a kernel that saturates pairs at 16 bits cannot return it. */
    static final double EXACT = 64_770;

    private OrtU8S8Probe() {
    }

    /** Runs one MatMulInteger of [255, 255] by [127, 127] in ONNX Runtime; true when the result is exact. */
    public static boolean exact(Path dir) throws Exception {
        return exactIn(graph(), dir, "u8s8-probe");
    }

    /**
     * The same product through ONNX Runtime's uint8 x uint8 kernel: weights [255, 255] with zero point 128, so the exact
     * sum is again 255 x 127 x 2; true when ONNX Runtime returns it.
     */
    public static boolean unsignedExact(Path dir) throws Exception {
        TinyGraph g = rows().initializer("w", eightBit(DTypes.UINT8, new long[] {2, 1}, 255, 255))
                .initializer("x_zero", eightBit(DTypes.UINT8, new long[0], 0))
                .initializer("w_zero", eightBit(DTypes.UINT8, new long[0], 128))
                .node(node("mmi", "MatMulInteger", List.of("rows_u8", "w", "x_zero", "w_zero"), List.of("acc")))
                .node(toFloat("cast_acc", "acc", "acc_f"));
        return exactIn(g, dir, "u8u8-probe");
    }

    /**
     * Row x of the table [[255, 255]] (Gather, so that the width comes from the graph) cast to UINT8, times the INT8
     * column [127, 127]; output acc_f (FLOAT), [1, 1, 1].
     */
    static TinyGraph graph() {
        return rows().initializer("w", eightBit(DTypes.INT8, new long[] {2, 1}, 127, 127))
                .node(node("mmi", "MatMulInteger", List.of("rows_u8", "w"), List.of("acc")))
                .node(toFloat("cast_acc", "acc", "acc_f"));
    }

    /** Row x of the table [[255, 255]] as UINT8 (rows_u8); the probes add the weight and the MatMulInteger. */
    private static TinyGraph rows() {
        return new TinyGraph(13).input("x", 2).output("acc_f")
                .initializer("table", float32(new long[] {1, 2}, 255f, 255f))
                .node(node("gather", "Gather", List.of("table", "x"), List.of("rows")))
                .node(node("cast_rows", "Cast", List.of("rows"), List.of("rows_u8"), intAttr("to", DTypes.UINT8)));
    }

    private static boolean exactIn(TinyGraph g, Path dir, String name) throws Exception {
        return TinyGraph.ort(g.model(), feed(), g.outputs(), dir, name).get("acc_f").getDouble(0) == EXACT;
    }

    static Map<String, INDArray> feed() {
        return Map.of("x", Nd4j.createFromArray(new long[][] {{0}}));
    }
}
