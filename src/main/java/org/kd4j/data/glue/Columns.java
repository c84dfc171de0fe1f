package org.kd4j.data.glue;

/**
 * Where a task's fields sit in a row. For files with a header line (and for JSONL) the fields are found by
 * name; CoLA's labeled files have no header, so their fields are fixed column indices.
 *
 * @param textA name of the first text field
 * @param textB name of the second text field, or {@code null} for single-sentence tasks
 * @param label name of the gold label field, or {@code null} when the split has no labels
 * @param id name of the example-id field, or {@code null} (the line number is used)
 * @param extra for WiC: the target word, prefixed to text A as {@code "word: sentence1"}; otherwise {@code null}
 */
public record Columns(String textA, String textB, String label, String id, String extra) {

    public Columns {
        if (textA == null) {
            throw new IllegalArgumentException("textA column is required");
        }
    }

    /** The same fields without the label (test splits). */
    public Columns unlabeled() {
        return new Columns(textA, textB, null, id, extra);
    }
}
