package org.kd4j.imports.contract;

/** What an imported graph outputs. */
public enum Head {
    /** A sequence classifier or regressor: {@code logits} [batch, labels]. */
    CLASSIFIER,
    /** A bare encoder: {@code last_hidden_state} [batch, sequence, hidden], and {@code pooler_output} [batch, hidden] when it has a pooler. */
    ENCODER
}
