package org.kd4j.model;

import org.kd4j.data.batch.EncodedDataset;

/**
 * A classifier trained elsewhere and run on its imported SameDiff graph, as it is (layouts kd4j's transformer does not
 * hold, and imported-model files). Made by {@link ModelImport#loadClassifier}; the core sees only its logits and size.
 */
public interface ImportedClassifier {

    /**
     * Logits of every example of {@code data}, in data order, {@code [N][C]}.
     *
     * @param batchSize examples per forward pass
     * @param padId the tokenizer's padding id
     */
    float[][] logits(EncodedDataset data, int batchSize, int padId);

    /** Number of weights of the imported graph (its constant and variable float arrays). */
    long parameters();

    /** What the graph takes and gives, for the log. */
    String describe();
}
