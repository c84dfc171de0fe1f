package org.kd4j.imports.onnx;

import onnx.Onnx;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/** The vocabulary size of an exported encoder: rows of the table that {@code input_ids} index. */
final class VocabSize {

    private VocabSize() {}

    /** Rows of the word-embedding table, or -1 when input_ids do not feed a Gather of an initializer. */
    static long of(OnnxGraph graph) {
        for (Onnx.NodeProto n : graph.nodes()) {
            if (n.getOpType().equals("Gather") && n.getInputCount() == 2 && feedsFromIds(graph, n.getInput(1))) {
                Onnx.TensorProto table = graph.initializer(n.getInput(0));
                if (table != null && table.getDimsCount() == 2) {
                    return table.getDims(0);
                }
            }
        }
        return -1;
    }

    private static boolean feedsFromIds(OnnxGraph graph, String tensor) {
        if (tensor.equals(GraphContract.INPUT_IDS)) {
            return true;
        }
        Onnx.NodeProto p = graph.producer(tensor);
        return p != null && p.getOpType().equals("Cast") && p.getInput(0).equals(GraphContract.INPUT_IDS);
    }
}
