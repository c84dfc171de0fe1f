package org.kd4j.export;

/**
 * The ONNX opsets a student is exported at. Both write the same graph; they differ only in how layer norms are
 * written.
 */
public enum OnnxOpset {
    /** Layer norms decomposed ({@code ReduceMean, Sub, Mul, ReduceMean, Add eps, Sqrt, Div, Mul, Add}), as exporters write them before 17. */
    V14(14),
    /** Layer norms as one {@code LayerNormalization} node. */
    V17(17);

    private final int version;

    OnnxOpset(int version) {
        this.version = version;
    }

    public int version() {
        return version;
    }

    /** The opset of a version number. */
    public static OnnxOpset of(int version) {
        for (OnnxOpset o : values()) {
            if (o.version == version) {
                return o;
            }
        }
        throw new org.kd4j.KdException("opset " + version + ": expected 14 or 17");
    }
}
