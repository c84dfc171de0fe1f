package org.kd4j.imports.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.kd4j.imports.ImportException;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.graph.Ranks;

/**
 * Renames an exported graph's inputs and outputs to the {@link GraphContract}: known aliases of the inputs
 * (TF-BERT's {@code input_mask}, {@code segment_ids}) are renamed, INT32 id inputs become INT64 inputs followed by a
 * Cast, outputs are recognised by rank (rank 2 only: {@code logits}; rank 3: {@code last_hidden_state}, plus a rank-2
 * {@code pooler_output}) unless the head is given.
 */
public final class ContractMapping {

    private static final Map<String, String> ALIASES = Map.of(
            "input_ids", GraphContract.INPUT_IDS,
            "attention_mask", GraphContract.ATTENTION_MASK,
            "input_mask", GraphContract.ATTENTION_MASK,
            "mask", GraphContract.ATTENTION_MASK,
            "token_type_ids", GraphContract.TOKEN_TYPE_IDS,
            "segment_ids", GraphContract.TOKEN_TYPE_IDS);

    private ContractMapping() {}

    /** Renames the graph inputs to contract names; returns contract name to original name, in graph order. */
    public static Map<String, String> mapInputs(OnnxGraph graph, String file) throws ImportException {
        Map<String, String> names = new LinkedHashMap<>();
        List<Onnx.ValueInfoProto> inputs = new ArrayList<>();
        for (Onnx.ValueInfoProto in : graph.inputs()) {
            String contract = ALIASES.get(in.getName().replaceAll(":0$", ""));
            if (contract == null) {
                throw new ImportException(file + ": graph input '" + in.getName() + "' is not part of the contract; expected "
                        + GraphContract.INPUT_NAMES + " (or input_mask / segment_ids)");
            }
            if (names.containsKey(contract)) {
                throw new ImportException(file + ": graph inputs map twice to '" + contract + "'");
            }
            Onnx.TypeProto.Tensor type = in.getType().getTensorType();
            if (type.getShape().getDimCount() != 2) {
                throw new ImportException(file + ": graph input '" + in.getName() + "': expected rank 2 [batch, sequence], found rank "
                        + type.getShape().getDimCount());
            }
            int elem = type.getElemType();
            if (elem != Onnx.TensorProto.DataType.INT64.getNumber() && elem != Onnx.TensorProto.DataType.INT32.getNumber()) {
                throw new ImportException(file + ": graph input '" + in.getName() + "': expected INT64 (or INT32) ids, found "
                        + Onnx.TensorProto.DataType.forNumber(elem));
            }
            String original = in.getName();
            if (!original.equals(contract)) {
                graph.renameTensor(original, contract);
            }
            names.put(contract, in.getName());
            inputs.add(in.toBuilder().setName(contract).build());
            if (elem == Onnx.TensorProto.DataType.INT32.getNumber()) {
                String cast = graph.fresh(contract + "_int32");
                Onnx.NodeProto castNode = Nodes.node(graph.fresh("Cast_" + contract), "Cast", List.of(contract), List.of(cast),
                        Nodes.intAttr("to", Onnx.TensorProto.DataType.INT32.getNumber()));
                graph.rewireUses(contract, cast);
                List<Onnx.NodeProto> nodes = graph.nodes();
                graph.insertBefore(nodes.get(0), List.of(castNode));
                Onnx.ValueInfoProto.Builder b = inputs.get(inputs.size() - 1).toBuilder();
                b.getTypeBuilder().getTensorTypeBuilder().setElemType(Onnx.TensorProto.DataType.INT64.getNumber());
                inputs.set(inputs.size() - 1, b.build());
            }
        }
        for (String required : List.of(GraphContract.INPUT_IDS, GraphContract.ATTENTION_MASK)) {
            if (!names.containsKey(required)) {
                throw new ImportException(file + ": the graph has no '" + required + "' input (inputs: "
                        + graph.inputs().stream().map(Onnx.ValueInfoProto::getName).toList() + ")");
            }
        }
        graph.setInputs(inputs);
        return names;
    }

    /** Chooses and renames the outputs; returns the head and contract output name to original name, in order. */
    public static Map.Entry<Head, Map<String, String>> mapOutputs(OnnxGraph graph, Head requested, String file)
            throws ImportException {
        Ranks ranks = Ranks.of(graph);
        List<Onnx.ValueInfoProto> outs = graph.outputs();
        Onnx.ValueInfoProto rank3 = null;
        Onnx.ValueInfoProto rank2 = null;
        Onnx.ValueInfoProto namedLogits = null;
        for (Onnx.ValueInfoProto o : outs) {
            int r = rank(o, ranks);
            if (o.getName().equals(GraphContract.LOGITS)) {
                namedLogits = o;
            }
            if (r == 3 && rank3 == null) {
                rank3 = o;
            } else if (r == 2 && rank2 == null) {
                rank2 = o;
            }
        }
        Head head = requested != null ? requested : (namedLogits != null || rank3 == null ? Head.CLASSIFIER : Head.ENCODER);
        List<Onnx.ValueInfoProto> chosen = new ArrayList<>();
        Map<String, String> names = new LinkedHashMap<>();
        if (head == Head.CLASSIFIER) {
            Onnx.ValueInfoProto logits = namedLogits != null ? namedLogits : rank2;
            if (logits == null) {
                throw new ImportException(file + ": no rank-2 output to use as logits; outputs: " + describe(outs, ranks));
            }
            names.put(GraphContract.LOGITS, logits.getName());
            chosen.add(rename(graph, logits, GraphContract.LOGITS));
        } else {
            if (rank3 == null) {
                throw new ImportException(file + ": an encoder needs a rank-3 output [batch, sequence, hidden]; outputs: "
                        + describe(outs, ranks));
            }
            names.put(GraphContract.LAST_HIDDEN_STATE, rank3.getName());
            chosen.add(rename(graph, rank3, GraphContract.LAST_HIDDEN_STATE));
            if (rank2 != null) {
                names.put(GraphContract.POOLER_OUTPUT, rank2.getName());
                chosen.add(rename(graph, rank2, GraphContract.POOLER_OUTPUT));
            }
        }
        graph.setOutputs(chosen);
        return Map.entry(head, names);
    }

    private static Onnx.ValueInfoProto rename(OnnxGraph graph, Onnx.ValueInfoProto output, String name) throws ImportException {
        if (!output.getName().equals(name)) {
            if (graph.producer(output.getName()) == null) {
                throw new ImportException("graph output '" + output.getName() + "' is not computed by any node");
            }
            graph.renameTensor(output.getName(), name);
        }
        return output.toBuilder().setName(name).build();
    }

    private static int rank(Onnx.ValueInfoProto o, Ranks ranks) {
        if (o.getType().getTensorType().hasShape()) {
            return o.getType().getTensorType().getShape().getDimCount();
        }
        return ranks.rank(o.getName());
    }

    private static String describe(List<Onnx.ValueInfoProto> outs, Ranks ranks) {
        return outs.stream().map(o -> o.getName() + " (rank " + rank(o, ranks) + ")").toList().toString();
    }
}
