package org.kd4j.imports.tf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.tensorflow.framework.GraphDef;
import org.tensorflow.framework.NodeDef;

/** Finds every node whose op the M2.1 TensorFlow importer has no mapping for, so all are reported at once. */
final class UnsupportedOps {

    /** Ops the importer handles itself rather than through its mapping registry. */
    private static final Set<String> BUILT_IN = Set.of("Placeholder", "Const");

    private UnsupportedOps() {}

    /** Nodes of {@code graph} whose op is neither built in nor accepted by {@code mapped}, in file order. */
    static List<NodeDef> find(GraphDef graph, Predicate<String> mapped) {
        List<NodeDef> out = new ArrayList<>();
        for (NodeDef n : graph.getNodeList()) {
            if (!BUILT_IN.contains(n.getOp()) && !mapped.test(n.getOp())) {
                out.add(n);
            }
        }
        return out;
    }

    /** {@code "name (Op), name (Op)"}. */
    static String describe(List<NodeDef> nodes) {
        List<String> parts = new ArrayList<>();
        nodes.forEach(n -> parts.add(n.getName() + " (" + n.getOp() + ")"));
        return String.join(", ", parts);
    }
}
