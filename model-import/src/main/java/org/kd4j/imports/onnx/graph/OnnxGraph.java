package org.kd4j.imports.onnx.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import onnx.Onnx;

/**
 * A mutable view of an ONNX graph for rewrites: nodes in topological order, initializers by name, graph inputs
 * and outputs. Rewrites edit it through a few operations (replace a node by others, rename a tensor, add an
 * initializer); {@link #toProto()} writes the result back. Names of new tensors and nodes come from
 * {@link #fresh(String)} and never collide with names already in the graph.
 */
public final class OnnxGraph {

    private final Onnx.GraphProto original;
    private final List<Onnx.NodeProto> nodes;
    private final Map<String, Onnx.TensorProto> initializers;
    private final List<Onnx.ValueInfoProto> inputs;
    private final List<Onnx.ValueInfoProto> outputs;
    private final Set<String> names = new HashSet<>();
    private final int opset;
    private int counter;

    public OnnxGraph(Onnx.GraphProto graph, int opset) {
        this.original = graph;
        this.opset = opset;
        this.nodes = new ArrayList<>(graph.getNodeList());
        this.initializers = new LinkedHashMap<>();
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        // inputs that are also initializers (older exporters list weights as inputs) are not real inputs
        this.inputs = new ArrayList<>(graph.getInputList().stream().filter(i -> !initializers.containsKey(i.getName())).toList());
        this.outputs = new ArrayList<>(graph.getOutputList());
        for (Onnx.NodeProto n : nodes) {
            names.add(n.getName());
            names.addAll(n.getInputList());
            names.addAll(n.getOutputList());
        }
        names.addAll(initializers.keySet());
        inputs.forEach(i -> names.add(i.getName()));
    }

    /** The opset of the default ONNX domain this graph was exported with. */
    public int opset() {
        return opset;
    }

    public List<Onnx.NodeProto> nodes() {
        return List.copyOf(nodes);
    }

    public List<Onnx.ValueInfoProto> inputs() {
        return List.copyOf(inputs);
    }

    public List<Onnx.ValueInfoProto> outputs() {
        return List.copyOf(outputs);
    }

    public boolean isGraphOutput(String tensor) {
        return outputs.stream().anyMatch(o -> o.getName().equals(tensor));
    }

    public boolean isGraphInput(String tensor) {
        return inputs.stream().anyMatch(o -> o.getName().equals(tensor));
    }

    public Onnx.TensorProto initializer(String name) {
        return initializers.get(name);
    }

    public Map<String, Onnx.TensorProto> initializers() {
        return Map.copyOf(initializers);
    }

    /** The node producing {@code tensor}, or null for graph inputs, initializers and unknown names. */
    public Onnx.NodeProto producer(String tensor) {
        for (Onnx.NodeProto n : nodes) {
            if (n.getOutputList().contains(tensor)) {
                return n;
            }
        }
        return null;
    }

    /** Nodes that read {@code tensor}. */
    public List<Onnx.NodeProto> consumers(String tensor) {
        List<Onnx.NodeProto> result = new ArrayList<>();
        for (Onnx.NodeProto n : nodes) {
            if (n.getInputList().contains(tensor)) {
                result.add(n);
            }
        }
        return result;
    }

    /** A new name, unique in this graph, starting with {@code prefix}. */
    public String fresh(String prefix) {
        String name;
        do {
            name = prefix + "_kd4j" + (counter++);
        } while (names.contains(name));
        names.add(name);
        return name;
    }

    public void addInitializer(Onnx.TensorProto tensor) {
        if (producer(tensor.getName()) != null || isGraphInput(tensor.getName())) {
            throw new IllegalArgumentException("initializer name already used in the graph: " + tensor.getName());
        }
        initializers.put(tensor.getName(), tensor);
        names.add(tensor.getName());
    }

    /** Adds an initializer under a fresh name and returns that name. */
    public String addConstant(String prefix, Onnx.TensorProto.Builder tensor) {
        String name = fresh(prefix);
        addInitializer(tensor.setName(name).build());
        return name;
    }

    public void removeInitializer(String name) {
        initializers.remove(name);
    }

    /** Replaces {@code node} by {@code replacement} (possibly empty), keeping the topological order. */
    public void replace(Onnx.NodeProto node, List<Onnx.NodeProto> replacement) {
        int index = indexOf(node);
        nodes.remove(index);
        nodes.addAll(index, replacement);
        for (Onnx.NodeProto n : replacement) {
            names.add(n.getName());
            names.addAll(n.getOutputList());
        }
    }

    /** Inserts nodes just before {@code anchor}. */
    public void insertBefore(Onnx.NodeProto anchor, List<Onnx.NodeProto> added) {
        replace(anchor, concat(added, anchor));
    }

    private static List<Onnx.NodeProto> concat(List<Onnx.NodeProto> a, Onnx.NodeProto b) {
        List<Onnx.NodeProto> all = new ArrayList<>(a);
        all.add(b);
        return all;
    }

    /** Makes every reader of {@code from} (nodes and graph outputs) read {@code to} instead. */
    public void rewireUses(String from, String to) {
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto n = nodes.get(i);
            if (n.getInputList().contains(from)) {
                Onnx.NodeProto.Builder b = n.toBuilder();
                for (int k = 0; k < b.getInputCount(); k++) {
                    if (b.getInput(k).equals(from)) {
                        b.setInput(k, to);
                    }
                }
                nodes.set(i, b.build());
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i).getName().equals(from)) {
                outputs.set(i, outputs.get(i).toBuilder().setName(to).build());
            }
        }
    }

    /** Renames a tensor everywhere: producer output, readers, graph inputs and outputs, initializer. */
    public void renameTensor(String from, String to) {
        if (producer(to) != null || initializers.containsKey(to) || isGraphInput(to)) {
            throw new IllegalArgumentException("cannot rename " + from + " to " + to + ": name already used");
        }
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto n = nodes.get(i);
            if (n.getOutputList().contains(from)) {
                Onnx.NodeProto.Builder b = n.toBuilder();
                for (int k = 0; k < b.getOutputCount(); k++) {
                    if (b.getOutput(k).equals(from)) {
                        b.setOutput(k, to);
                    }
                }
                nodes.set(i, b.build());
            }
        }
        rewireUses(from, to);
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).getName().equals(from)) {
                inputs.set(i, inputs.get(i).toBuilder().setName(to).build());
            }
        }
        Onnx.TensorProto init = initializers.remove(from);
        if (init != null) {
            initializers.put(to, init.toBuilder().setName(to).build());
        }
        names.add(to);
    }

    /** Drops nodes and initializers whose outputs nothing reads (graph outputs count as read). */
    public int pruneUnused() {
        int removed = 0;
        boolean changed = true;
        while (changed) {
            changed = false;
            Set<String> used = new HashSet<>();
            nodes.forEach(n -> used.addAll(n.getInputList()));
            outputs.forEach(o -> used.add(o.getName()));
            for (int i = nodes.size() - 1; i >= 0; i--) {
                if (nodes.get(i).getOutputList().stream().noneMatch(used::contains)) {
                    nodes.remove(i);
                    removed++;
                    changed = true;
                }
            }
            if (!changed) {
                initializers.keySet().removeIf(name -> !used.contains(name));
            }
        }
        return removed;
    }

    private int indexOf(Onnx.NodeProto node) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) == node || nodes.get(i).equals(node)) {
                return i;
            }
        }
        throw new IllegalArgumentException("node not in graph: " + node.getName() + " (" + node.getOpType() + ")");
    }

    public void setOutputs(List<Onnx.ValueInfoProto> newOutputs) {
        outputs.clear();
        outputs.addAll(newOutputs);
    }

    public void setInputs(List<Onnx.ValueInfoProto> newInputs) {
        inputs.clear();
        inputs.addAll(newInputs);
    }

    /** The graph as a protobuf, with the original's name and doc string. */
    public Onnx.GraphProto toProto() {
        return Onnx.GraphProto.newBuilder()
                .setName(original.getName())
                .setDocString(original.getDocString())
                .addAllNode(nodes)
                .addAllInitializer(initializers.values())
                .addAllInput(inputs)
                .addAllOutput(outputs)
                .build();
    }

    @Override
    public String toString() {
        return "OnnxGraph[" + nodes.size() + " nodes, " + initializers.size() + " initializers, opset " + opset + "]";
    }

    /** Count of nodes by op type, sorted by op name. */
    public Map<String, Integer> opCounts() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        nodes.forEach(n -> counts.merge(n.getOpType(), 1, Integer::sum));
        return counts;
    }

    /** Lookup table from tensor to producing node, built once for read-only passes. */
    public Map<String, Onnx.NodeProto> producers() {
        Map<String, Onnx.NodeProto> map = new HashMap<>();
        nodes.forEach(n -> n.getOutputList().forEach(o -> map.put(o, n)));
        return map;
    }
}
