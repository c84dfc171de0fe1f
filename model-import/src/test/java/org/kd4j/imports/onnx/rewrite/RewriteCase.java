package org.kd4j.imports.onnx.rewrite;

import java.util.function.Predicate;
import java.util.function.Supplier;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * One rewrite and a small graph containing the construct it removes.
 *
 * @param rewrite      makes the rewrite under test
 * @param graph        the graph before the rewrite
 * @param constructGone holds on the rewritten graph when no instance of the construct is left
 * @param viaSameDiff  also import the rewritten graph with SameDiff M2.1 and compare with ONNX Runtime
 */
record RewriteCase(String label, Supplier<GraphRewrite> rewrite, TinyGraph graph, Predicate<OnnxGraph> constructGone,
                   boolean viaSameDiff) {

    @Override
    public String toString() {
        return label;
    }
}
