package org.kd4j.imports.tf.rewrite;

import org.tensorflow.framework.NodeDef;

/**
 * Removes {@code Identity} nodes (the {@code <variable>/read} nodes a frozen graph keeps for every weight): their
 * consumers read the Identity's input directly. An Identity that is the graph's output is kept.
 */
public final class IdentityRemoval implements TfGraphRewrite {

    private final String output;

    /** @param output the node that must keep its name */
    public IdentityRemoval(String output) {
        this.output = output;
    }

    @Override
    public String name() {
        return "identity-removal";
    }

    @Override
    public String reason() {
        return "a frozen graph reads every weight through an Identity: one useless SameDiff op per weight";
    }

    @Override
    public int apply(TfGraph graph) {
        int changed = 0;
        for (NodeDef.Builder id : graph.nodesOfOp("Identity")) {
            if (id.getName().equals(output) || id.getInputCount() == 0 || id.getInput(0).startsWith("^")) {
                continue;
            }
            graph.replaceInput(id.getName(), id.getInput(0));
            graph.remove(id.getName());
            changed++;
        }
        return changed;
    }
}
