package org.kd4j.imports.student;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.kd4j.imports.ImportException;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.model.ClassifierGraph;

/**
 * Finds the summed input embeddings of a BERT-family encoder ({@code Gather(word) + Gather(position) +
 * Gather(token type)}, the tensor its embeddings LayerNorm reads) and cuts the graph there: the sum becomes the
 * tensor {@link ClassifierGraph#EMBEDDINGS} (an initializer of shape {@code [1, 1, dim]}, so that it imports as a
 * constant that can be made a graph variable), and the id inputs go. The attention mask becomes a FLOAT input,
 * cast to INT64 for the nodes that read it.
 */
public final class EmbeddingCut {

    /**
     * The embedding tables (initializer names) and the summed tensor.
     *
     * @param positions null when the encoder has no position table
     * @param types null when the encoder has no token-type table
     */
    public record Tables(String word, String positions, String types, String sum, int dim) {
        public Tables {
            if (word == null || sum == null || dim < 1) {
                throw new IllegalArgumentException("word table, sum and dim > 0 are required, got " + word + ", " + sum + ", " + dim);
            }
        }
    }

    private EmbeddingCut() {}

    /** The embedding tables of a BERT-family encoder and the tensor that sums them. */
    public static Tables find(OnnxGraph graph, String file) throws ImportException {
        Map<String, Onnx.NodeProto> producers = graph.producers();
        Onnx.NodeProto word = null;
        for (Onnx.NodeProto n : graph.nodes()) {
            if (n.getOpType().equals("Gather") && n.getInputCount() == 2 && isTable(graph, n.getInput(0))
                    && readsDirectly(producers, n.getInput(1), GraphContract.INPUT_IDS)) {
                if (word != null) {
                    throw new ImportException(file + ": two Gathers read input_ids ('" + word.getName() + "', '" + n.getName()
                            + "'); cannot tell the word embeddings");
                }
                word = n;
            }
        }
        if (word == null) {
            throw new ImportException(file + ": no Gather of a 2-D FLOAT initializer reads input_ids: not a BERT-family encoder");
        }
        String positions = null;
        String types = null;
        String current = word.getOutput(0);
        while (true) {
            List<Onnx.NodeProto> readers = graph.consumers(current);
            if (readers.size() != 1 || !readers.get(0).getOpType().equals("Add") || readers.get(0).getInputCount() != 2) {
                break;
            }
            Onnx.NodeProto add = readers.get(0);
            String other = add.getInput(0).equals(current) ? add.getInput(1) : add.getInput(0);
            Onnx.NodeProto gather = producers.get(other);
            if (gather == null || !gather.getOpType().equals("Gather") || !isTable(graph, gather.getInput(0))) {
                break;
            }
            String indices = gather.getInput(1);
            if (dependsOn(producers, indices, GraphContract.TOKEN_TYPE_IDS)) {
                types = only(types, gather.getInput(0), "token-type", file);
            } else if (dependsOn(producers, indices, GraphContract.INPUT_IDS)) {
                throw new ImportException(file + ": the indices of '" + gather.getName() + "' are computed from input_ids"
                        + " (RoBERTa-style positions); only positions 0..length-1 are supported");
            } else {
                positions = only(positions, gather.getInput(0), "position", file);
            }
            current = add.getOutput(0);
        }
        int dim = (int) graph.initializer(word.getInput(0)).getDims(1);
        return new Tables(word.getInput(0), positions, types, current, dim);
    }

    /** Cuts the graph at {@code tables.sum()}; the float type of the new tensor is {@code elemType}. */
    static void cut(OnnxGraph graph, Tables tables, String file) throws ImportException {
        String emb = ClassifierGraph.EMBEDDINGS;
        if (graph.producer(emb) != null || graph.initializer(emb) != null || graph.isGraphInput(emb)) {
            throw new ImportException(file + ": the graph already has a tensor named '" + emb + "'");
        }
        graph.rewireUses(tables.sum(), emb);
        graph.addInitializer(Nodes.float32(new long[] {1, 1, tables.dim()}, new float[tables.dim()]).setName(emb).build());

        String mask = GraphContract.ATTENTION_MASK;
        String maskLong = graph.fresh(mask + "_int64");
        Onnx.NodeProto cast = Nodes.node(graph.fresh("Cast_" + mask), "Cast", List.of(mask), List.of(maskLong),
                Nodes.intAttr("to", Onnx.TensorProto.DataType.INT64.getNumber()));
        graph.rewireUses(mask, maskLong);
        graph.insertBefore(graph.nodes().get(0), List.of(cast));
        graph.pruneUnused();

        for (String ids : List.of(GraphContract.INPUT_IDS, GraphContract.TOKEN_TYPE_IDS)) {
            List<Onnx.NodeProto> readers = graph.consumers(ids);
            for (Onnx.NodeProto n : readers) {
                if (!n.getOpType().equals("Shape")) {
                    throw new ImportException(file + ": node '" + n.getName() + "' (" + n.getOpType() + ") reads " + ids
                            + " after the embeddings; only Shape may read the ids in a student");
                }
            }
            if (!readers.isEmpty()) {
                graph.rewireUses(ids, maskLong); // the mask has the ids' shape [batch, sequence]
            }
        }
        Onnx.ValueInfoProto.Builder in = Onnx.ValueInfoProto.newBuilder().setName(mask);
        Onnx.TypeProto.Tensor.Builder t = in.getTypeBuilder().getTensorTypeBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber());
        t.getShapeBuilder().addDimBuilder().setDimParam("batch");
        t.getShapeBuilder().addDimBuilder().setDimParam("sequence");
        graph.setInputs(List.of(in.build()));
    }

    private static String only(String found, String table, String what, String file) throws ImportException {
        if (found != null) {
            throw new ImportException(file + ": two " + what + " embedding tables are summed ('" + found + "', '" + table + "')");
        }
        return table;
    }

    private static boolean isTable(OnnxGraph graph, String name) {
        Onnx.TensorProto t = graph.initializer(name);
        return t != null && t.getDimsCount() == 2 && t.getDataType() == Onnx.TensorProto.DataType.FLOAT.getNumber();
    }

    /** {@code tensor} is the input itself or a Cast of it. */
    private static boolean readsDirectly(Map<String, Onnx.NodeProto> producers, String tensor, String input) {
        if (tensor.equals(input)) {
            return true;
        }
        Onnx.NodeProto p = producers.get(tensor);
        return p != null && p.getOpType().equals("Cast") && p.getInput(0).equals(input);
    }

    /** Whether the values of {@code tensor} depend on the values of {@code input} (a Shape reads no values). */
    private static boolean dependsOn(Map<String, Onnx.NodeProto> producers, String tensor, String input) {
        Deque<String> todo = new ArrayDeque<>(List.of(tensor));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (t.equals(input)) {
                return true;
            }
            Onnx.NodeProto p = producers.get(t);
            if (p != null && !p.getOpType().equals("Shape") && seen.add(t)) {
                todo.addAll(p.getInputList());
            }
        }
        return false;
    }
}
