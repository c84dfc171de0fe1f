package org.kd4j.distill.cache;

import java.nio.charset.StandardCharsets;

/**
 * What a {@link LogitCache} file holds: a teacher's logits {@code [N][C]} or its pooled representation
 * {@code [N][width]} (the input of its classifier head, the target of {@link org.kd4j.distill.loss.HiddenLoss}). Both
 * are keyed by the same {@link CacheKey}; the kind gives the file its own suffix and magic, so the two never stand in
 * for each other.
 */
public enum CacheKind {

    /** Teacher logits, {@code <hash>.logits}, magic {@code KDLC}. */
    LOGITS(".logits", "KDLC", "logit"),
    /** Teacher pooled representations, {@code <hash>.pooled}, magic {@code KDPC}. */
    POOLED(".pooled", "KDPC", "pooled-representation");

    private final String suffix;
    private final byte[] magic;
    private final String label;

    CacheKind(String suffix, String magic, String label) {
        this.suffix = suffix;
        this.magic = magic.getBytes(StandardCharsets.US_ASCII);
        this.label = label;
    }

    /** The file name suffix, e.g. {@code .logits}. */
    public String suffix() {
        return suffix;
    }

    /** The file's first four bytes (a copy). */
    byte[] magic() {
        return magic.clone();
    }

    /** How log lines name the cache, e.g. {@code logit} in "logit cache hit". */
    public String label() {
        return label;
    }
}
