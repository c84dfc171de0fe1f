package org.kd4j.model;

/** How a transformer turns token states into one vector per example. */
public enum Pooling {
    /** Mean of the non-padding token states. */
    MEAN,
    /** The first token ([CLS]) through a tanh dense layer, as BERT's pooler. */
    CLS,
    /**
     * The first token ([CLS]) through a ReLU dense layer, as DistilBERT's sequence classifier ({@code pre_classifier}
     * then ReLU); its weights are the pooler's ({@code pooler_w}, {@code pooler_b}).
     */
    CLS_RELU,
    /**
     * The first token ([CLS]) through a dense layer and the exact (erf) GELU, as ELECTRA's classification head
     * ({@code classifier.dense} then GELU, before {@code classifier.out_proj}); its weights are the pooler's.
     */
    CLS_GELU,
    /** The first token's ([CLS]) state as it is, without a dense layer (bge, E5; encoders exported without a pooler). */
    FIRST;

    /** Its name in presets and on the command line: {@code mean}, {@code cls_relu}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Every pooling's {@link #configName()}, comma-separated, for error messages. */
    public static String configNames() {
        return java.util.Arrays.stream(values()).map(Pooling::configName).collect(java.util.stream.Collectors.joining(", "));
    }

    /** The pooling whose {@link #configName()} is {@code name}; null when there is none. */
    public static Pooling ofConfigName(String name) {
        for (Pooling p : values()) {
            if (p.configName().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
