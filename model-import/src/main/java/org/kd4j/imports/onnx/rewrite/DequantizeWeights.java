package org.kd4j.imports.onnx.rewrite;

import java.util.List;
import onnx.Onnx;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.imports.onnx.graph.DTypes;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * Opt-in (not in {@link RewritePipeline#standard()}; {@link RewritePipeline#withDequantizedWeights()}): turns each
 * dynamically quantized linear layer, as ONNX Runtime's {@code quantize_dynamic} writes it,
 *
 * <pre>
 * (q, a_scale, a_zp) = DynamicQuantizeLinear(x)
 * y = Mul(Cast(MatMulInteger(q, W, a_zp, w_zp), FLOAT), Mul(a_scale, w_scale))
 * </pre>
 *
 * (either operand order in both Muls), into {@code y = MatMul(x, (W - w_zp) * w_scale)} with the dequantized weights
 * as a FLOAT initializer (per-tensor, or per-column scale and zero point). The result is a float graph whose weights
 * can be made trainable. It drops the quantization of the activations, so its outputs differ from ONNX Runtime's on
 * the quantized file by about the activation quantization error. Layers in other forms are left to the standard
 * rewrites, which keep the quantized arithmetic.
 */
public final class DequantizeWeights implements GraphRewrite {

    private static final Logger LOG = LogManager.getLogger(DequantizeWeights.class);

    @Override
    public String name() {
        return "dequantize-weights";
    }

    @Override
    public String reason() {
        return "opt-in: a float graph for fine-tuning instead of the quantized arithmetic (activation quantization dropped)";
    }

    @Override
    public int apply(OnnxGraph graph) {
        int changed = 0;
        int left = 0;
        for (Onnx.NodeProto m : graph.nodes()) {
            if (!m.getOpType().equals("MatMulInteger")) {
                continue;
            }
            Layer layer = match(graph, m);
            if (layer == null) {
                left++;
                continue;
            }
            String weights = graph.addConstant(m.getInput(1) + "_dequantized", QuantizedTensors.dequantize(m, layer.weights, layer.params));
            graph.replace(layer.outputMul, List.of(Nodes.node(m.getName().isEmpty() ? graph.fresh("MatMul") : m.getName(),
                    "MatMul", List.of(layer.quantize.getInput(0), weights), List.of(layer.outputMul.getOutput(0)))));
            graph.replace(layer.cast, List.of());
            graph.replace(m, List.of());
            removeIfUnused(graph, layer.scaleMul);
            removeIfUnused(graph, layer.quantize);
            changed++;
        }
        if (left > 0) {
            LOG.warn("dequantize-weights: {} MatMulInteger node(s) not in quantize_dynamic's form are kept quantized", left);
        }
        return changed;
    }

    private record Layer(Onnx.NodeProto quantize, Onnx.TensorProto weights, QuantizedTensors.Params params,
                         Onnx.NodeProto cast, Onnx.NodeProto scaleMul, Onnx.NodeProto outputMul) { }

    /** The layer around MatMulInteger {@code m}, or null when it is not in quantize_dynamic's form. */
    private static Layer match(OnnxGraph graph, Onnx.NodeProto m) {
        Onnx.NodeProto quantize = graph.producer(m.getInput(0));
        if (quantize == null || !quantize.getOpType().equals("DynamicQuantizeLinear")
                || m.getInputCount() > 2 && !m.getInput(2).isEmpty() && !m.getInput(2).equals(quantize.getOutput(2))) {
            return null;
        }
        Onnx.TensorProto w = graph.initializer(m.getInput(1));
        String wzpName = m.getInputCount() > 3 ? m.getInput(3) : "";
        Onnx.TensorProto wzp = wzpName.isEmpty() ? null : graph.initializer(wzpName);
        if (w == null || !DTypes.isEightBit(w.getDataType()) || w.getDimsCount() != 2 || !wzpName.isEmpty() && wzp == null) {
            return null;
        }
        Onnx.NodeProto cast = only(graph, m.getOutput(0), "Cast");
        if (cast == null || Nodes.intAttribute(cast, "to", -1) != DTypes.FLOAT) {
            return null;
        }
        Onnx.NodeProto outputMul = only(graph, cast.getOutput(0), "Mul");
        if (outputMul == null) {
            return null;
        }
        String product = other(outputMul, cast.getOutput(0));
        Onnx.NodeProto scaleMul = graph.producer(product);
        if (scaleMul == null || !scaleMul.getOpType().equals("Mul")
                || !scaleMul.getInputList().contains(quantize.getOutput(1))) {
            return null;
        }
        Onnx.TensorProto wScale = graph.initializer(other(scaleMul, quantize.getOutput(1)));
        if (wScale == null || wScale.getDataType() != DTypes.FLOAT) {
            return null;
        }
        float[] s = Nodes.floats(wScale);
        float[] z = wzp == null ? new float[s.length] : QuantizedTensors.values(wzp);
        long columns = w.getDims(1);
        if (s.length != z.length || s.length != 1 && (s.length != columns || wScale.getDimsCount() != 1)) {
            return null;
        }
        return new Layer(quantize, w, new QuantizedTensors.Params(s, z, s.length == 1 ? -1 : 1), cast, scaleMul, outputMul);
    }

    /** The single reader of {@code tensor} when it is of {@code opType} (and the tensor is not a graph output). */
    private static Onnx.NodeProto only(OnnxGraph graph, String tensor, String opType) {
        List<Onnx.NodeProto> readers = graph.consumers(tensor);
        return readers.size() == 1 && readers.get(0).getOpType().equals(opType) && !graph.isGraphOutput(tensor)
                ? readers.get(0) : null;
    }

    /** The input of a two-input node that is not {@code known} (the second when both are). */
    private static String other(Onnx.NodeProto node, String known) {
        return node.getInput(0).equals(known) ? node.getInput(1) : node.getInput(0);
    }

    private static void removeIfUnused(OnnxGraph graph, Onnx.NodeProto node) {
        boolean used = node.getOutputList().stream().anyMatch(o -> !graph.consumers(o).isEmpty() || graph.isGraphOutput(o));
        if (!used && graph.nodes().contains(node)) {
            graph.replace(node, List.of());
        }
    }
}
