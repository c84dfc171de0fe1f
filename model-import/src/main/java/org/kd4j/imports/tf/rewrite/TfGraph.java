package org.kd4j.imports.tf.rewrite;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.framework.GraphDef;
import org.tensorflow.framework.NodeDef;

/** A mutable TensorFlow graph: nodes by name, in file order, with the edits the rewrites need. */
public final class TfGraph {

    private final Map<String, NodeDef.Builder> nodes = new LinkedHashMap<>();
    private final GraphDef.Builder header;

    public TfGraph(GraphDef graph) {
        header = graph.toBuilder().clearNode();
        graph.getNodeList().forEach(n -> nodes.put(n.getName(), n.toBuilder()));
    }

    /** The node producing tensor reference {@code input} ({@code "x"}, {@code "x:1"}, {@code "^x"} all give x). */
    public static String producer(String input) {
        String s = input.startsWith("^") ? input.substring(1) : input;
        int colon = s.lastIndexOf(':');
        return colon < 0 ? s : s.substring(0, colon);
    }

    /** The output index of tensor reference {@code input} (0 when none is written). */
    public static int outputIndex(String input) {
        int colon = input.lastIndexOf(':');
        return colon < 0 ? 0 : Integer.parseInt(input.substring(colon + 1));
    }

    public Collection<NodeDef.Builder> nodes() {
        return nodes.values();
    }

    /** The node called {@code name}, or null. */
    public NodeDef.Builder node(String name) {
        return nodes.get(name);
    }

    /** Nodes whose op is {@code op}, in file order (a copy: the graph may be edited while iterating). */
    public List<NodeDef.Builder> nodesOfOp(String op) {
        List<NodeDef.Builder> out = new ArrayList<>();
        for (NodeDef.Builder n : nodes.values()) {
            if (n.getOp().equals(op)) {
                out.add(n);
            }
        }
        return out;
    }

    public void add(NodeDef node) {
        if (nodes.containsKey(node.getName())) {
            throw new IllegalStateException("node " + node.getName() + " already exists");
        }
        nodes.put(node.getName(), node.toBuilder());
    }

    public void remove(String name) {
        nodes.remove(name);
    }

    /** A node name not yet used, starting with {@code base}. */
    public String freshName(String base) {
        String name = base;
        for (int i = 1; nodes.containsKey(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /**
     * Makes every consumer of tensor {@code from} ({@code "x"} or {@code "x:k"}) read {@code to} instead.
     *
     * @return how many inputs were changed
     */
    public int replaceInput(String from, String to) {
        String producer = producer(from);
        int index = outputIndex(from);
        int changed = 0;
        for (NodeDef.Builder n : nodes.values()) {
            for (int i = 0; i < n.getInputCount(); i++) {
                String in = n.getInput(i);
                if (!in.startsWith("^") && producer(in).equals(producer) && outputIndex(in) == index) {
                    n.setInput(i, to);
                    changed++;
                }
            }
        }
        return changed;
    }

    /** Renames node {@code from} to {@code to} and every reference to it. */
    public void rename(String from, String to) {
        NodeDef.Builder n = nodes.remove(from);
        if (n == null) {
            throw new IllegalArgumentException("no node " + from);
        }
        if (nodes.containsKey(to)) {
            throw new IllegalStateException("cannot rename " + from + " to " + to + ": a node " + to + " exists");
        }
        nodes.put(to, n.setName(to));
        for (NodeDef.Builder c : nodes.values()) {
            for (int i = 0; i < c.getInputCount(); i++) {
                String in = c.getInput(i);
                if (producer(in).equals(from)) {
                    String ctrl = in.startsWith("^") ? "^" : "";
                    int colon = in.lastIndexOf(':');
                    c.setInput(i, ctrl + to + (colon < 0 ? "" : in.substring(colon)));
                }
            }
        }
    }

    public GraphDef toGraphDef() {
        GraphDef.Builder g = header.clone();
        nodes.values().forEach(n -> g.addNode(n.build()));
        return g.build();
    }
}
