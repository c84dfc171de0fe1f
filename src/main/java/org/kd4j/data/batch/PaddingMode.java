package org.kd4j.data.batch;

/** How batches are padded. */
public enum PaddingMode {
    /** To the longest example of each batch (the default: GLUE sentences are short). */
    DYNAMIC,
    /** Every batch to the configured maximum length (fixed shapes, e.g. for benchmarks). */
    FIXED
}
