package org.kd4j.imports.onnx.rewrite;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * {@code Gemm(A, B, C, alpha, beta, transA, transB)} becomes {@code MatMul} (with constant weights transposed
 * once, here, instead of a Transpose node), a {@code Mul} for alpha/beta other than 1, and an {@code Add} of the
 * bias.
 */
public final class GemmToMatMulAdd implements GraphRewrite {

    @Override
    public String name() {
        return "gemm-to-matmul-add";
    }

    @Override
    public String reason() {
        return "M2.1 drops Gemm's bias input C silently";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals("Gemm")) {
                continue;
            }
            String p = n.getName().isEmpty() ? "gemm" : n.getName();
            float alpha = Nodes.floatAttribute(n, "alpha", 1f);
            float beta = Nodes.floatAttribute(n, "beta", 1f);
            List<Onnx.NodeProto> nodes = new ArrayList<>();
            String a = n.getInput(0);
            if (Nodes.intAttribute(n, "transA", 0) != 0) {
                String t = graph.fresh(p + "/A_T");
                nodes.add(Nodes.node(graph.fresh(p + "/TransposeA"), "Transpose", List.of(a), List.of(t), Nodes.ints("perm", 1, 0)));
                a = t;
            }
            String b = n.getInput(1);
            if (Nodes.intAttribute(n, "transB", 0) != 0) {
                Onnx.TensorProto w = graph.initializer(b);
                if (w != null && w.getDataType() == Onnx.TensorProto.DataType.FLOAT.getNumber() && w.getDimsCount() == 2) {
                    b = graph.addConstant(p + "/B_T", transposed(w));
                } else {
                    String t = graph.fresh(p + "/B_T");
                    nodes.add(Nodes.node(graph.fresh(p + "/TransposeB"), "Transpose", List.of(b), List.of(t), Nodes.ints("perm", 1, 0)));
                    b = t;
                }
            }
            boolean hasC = n.getInputCount() > 2 && !n.getInput(2).isEmpty() && beta != 0f;
            String out = n.getOutput(0);
            String product = hasC || alpha != 1f ? graph.fresh(p + "/product") : out;
            nodes.add(Nodes.node(graph.fresh(p + "/MatMul"), "MatMul", List.of(a, b), List.of(product)));
            if (alpha != 1f) {
                String scaledOut = hasC ? graph.fresh(p + "/scaled") : out;
                String alphaName = graph.addConstant(p + "/alpha", Nodes.float32(new long[0], alpha));
                nodes.add(Nodes.node(graph.fresh(p + "/MulAlpha"), "Mul", List.of(product, alphaName), List.of(scaledOut)));
                product = scaledOut;
            }
            if (hasC) {
                String c = n.getInput(2);
                if (beta != 1f) {
                    String betaName = graph.addConstant(p + "/beta", Nodes.float32(new long[0], beta));
                    String scaledC = graph.fresh(p + "/C_scaled");
                    nodes.add(Nodes.node(graph.fresh(p + "/MulBeta"), "Mul", List.of(c, betaName), List.of(scaledC)));
                    c = scaledC;
                }
                nodes.add(Nodes.node(graph.fresh(p + "/AddBias"), "Add", List.of(product, c), List.of(out)));
            }
            graph.replace(n, nodes);
            changed++;
        }
        return changed;
    }

    private static Onnx.TensorProto.Builder transposed(Onnx.TensorProto w) {
        int rows = (int) w.getDims(0);
        int cols = (int) w.getDims(1);
        float[] v = Nodes.floats(w);
        float[] t = new float[v.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = v[i * cols + j];
            }
        }
        return Nodes.float32(new long[] {cols, rows}, t);
    }
}
