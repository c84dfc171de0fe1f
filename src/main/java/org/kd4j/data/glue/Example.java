package org.kd4j.data.glue;

/**
 * One task example.
 *
 * @param id the example id from the file, or the line number when the file has none
 * @param line 1-based line number in the source file (for error messages and provenance)
 * @param textA first (or only) text
 * @param textB second text of a pair, or {@code null} for single-sentence tasks
 * @param label gold label id for classification tasks, {@link #NO_LABEL} when unlabeled or regression
 * @param score gold score for regression (STS-B), {@code NaN} otherwise
 */
public record Example(String id, int line, String textA, String textB, int label, double score) {

    public static final int NO_LABEL = -1;

    public Example {
        if (textA == null) {
            throw new IllegalArgumentException("textA is required");
        }
    }

    public boolean isPair() {
        return textB != null;
    }

    public boolean hasLabel() {
        return isLabeled(label, score);
    }

    /**
     * Whether a row has a gold target: a label id (classification) or a score (regression, whose label id is
     * {@link #NO_LABEL}). The one rule for an example and for a batch's rows ({@code Batch.labeledRows}).
     */
    public static boolean isLabeled(int label, double score) {
        return label != NO_LABEL || !Double.isNaN(score);
    }
}
