package org.kd4j.imports.onnx.rewrite;

import org.kd4j.imports.onnx.graph.OnnxGraph;

/**
 * One named, semantics-preserving transformation of an ONNX graph into a form the SameDiff M2.1 importer handles
 * correctly. Each rewrite says which M2.1 behaviour it works around; each is tested on its own by checking that
 * ONNX Runtime gives the same outputs before and after it and that the construct it removes is gone.
 */
public interface GraphRewrite {

    /** Short kebab-case name, used in logs and reports. */
    String name();

    /** What in M2.1 this works around (one sentence, for reports and Javadoc). */
    String reason();

    /**
     * Applies the rewrite in place.
     *
     * @return how many places of the graph were changed (0: nothing to do)
     */
    int apply(OnnxGraph graph);
}
