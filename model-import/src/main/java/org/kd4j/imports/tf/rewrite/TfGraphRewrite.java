package org.kd4j.imports.tf.rewrite;

/**
 * One named transformation of a TensorFlow graph on its way into SameDiff M2.1: either a normalisation into
 * kd4j's contract (inputs, output, pruning) or a semantics-preserving rewrite around an M2.1 importer bug. Each is
 * tested on its own.
 */
public interface TfGraphRewrite {

    /** Short kebab-case name, used in logs and reports. */
    String name();

    /** Why this rewrite exists (one sentence). */
    String reason();

    /**
     * Applies the rewrite in place.
     *
     * @return how many places of the graph were changed (0: nothing to do)
     */
    int apply(TfGraph graph);
}
