package org.kd4j.imports.tf.rewrite;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.tensorflow.framework.NodeDef;

/**
 * Keeps only the nodes the output is computed from (following data inputs; control dependencies are dropped):
 * removes label inputs, the loss, probabilities, summaries, savers and other training-only nodes.
 */
public final class PruneToOutput implements TfGraphRewrite {

    private final String output;

    public PruneToOutput(String output) {
        this.output = output;
    }

    @Override
    public String name() {
        return "prune-to-output";
    }

    @Override
    public String reason() {
        return "training nodes (loss on label_ids, savers) need inputs inference does not have";
    }

    @Override
    public int apply(TfGraph graph) {
        if (graph.node(output) == null) {
            throw new IllegalArgumentException("no node " + output);
        }
        Set<String> keep = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(output);
        while (!todo.isEmpty()) {
            String name = todo.pop();
            NodeDef.Builder n = graph.node(name);
            if (n == null || !keep.add(name)) {
                continue;
            }
            java.util.List<String> data = new java.util.ArrayList<>();
            for (String in : n.getInputList()) {
                if (!in.startsWith("^")) {
                    data.add(in);
                    todo.add(TfGraph.producer(in));
                }
            }
            n.clearInput().addAllInput(data);
        }
        int removed = 0;
        for (NodeDef.Builder n : graph.nodes().toArray(new NodeDef.Builder[0])) {
            if (!keep.contains(n.getName())) {
                graph.remove(n.getName());
                removed++;
            }
        }
        return removed;
    }
}
