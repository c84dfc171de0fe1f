package org.kd4j.config;

/**
 * What runs a native teacher when it scores data (its logits on the train, transfer, unlabeled and dev rows, and the
 * {@code score} command's chunks): {@code run.teacher_runtime} in a config. Fine-tuning, the hidden and layer losses'
 * targets and everything a student does stay on kd4j's own graphs either way.
 */
public enum TeacherRuntime {

    /** kd4j's SameDiff graph, as it was trained (the default). */
    KD4J,

    /**
     * ONNX Runtime on the teacher written as a standard ONNX graph in memory (what {@code kd4j export} writes), after a
     * check on the first rows it scores: its logits must agree with kd4j's within 1e-4 of the largest logit, or the run
     * stops before anything is cached. Imported graphs run as they are stay on kd4j. The logits are cached under keys of
     * their own (see {@link #cacheVariant}), so they never mix with kd4j's.
     */
    ONNX_RUNTIME;

    /**
     * The logit cache's {@code variant} for logits this runtime made: {@code variant} itself for kd4j (the keys of every
     * earlier cache), {@code variant + "|onnx_runtime"} for ONNX Runtime.
     */
    public String cacheVariant(String variant) {
        return this == KD4J ? variant : variant + "|" + configName();
    }

    /** Its name in a config: {@code kd4j}, {@code onnx_runtime}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
