package org.kd4j.imports.tf.rewrite;

import java.util.Map;
import org.tensorflow.framework.NodeDef;

/** Renames placeholders to the contract's names ({@code input_mask -> attention_mask}). */
public final class RenamePlaceholders implements TfGraphRewrite {

    private final Map<String, String> names;

    /** @param names TF placeholder name to new name */
    public RenamePlaceholders(Map<String, String> names) {
        this.names = Map.copyOf(names);
    }

    @Override
    public String name() {
        return "rename-placeholders";
    }

    @Override
    public String reason() {
        return "kd4j feeds every teacher through the same placeholder names";
    }

    @Override
    public int apply(TfGraph graph) {
        int changed = 0;
        for (NodeDef.Builder ph : graph.nodesOfOp("Placeholder")) {
            String to = names.get(ph.getName());
            if (to != null && !to.equals(ph.getName())) {
                graph.rename(ph.getName(), to);
                changed++;
            }
        }
        return changed;
    }
}
