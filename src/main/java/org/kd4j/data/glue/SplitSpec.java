package org.kd4j.data.glue;

/**
 * One split of a task as published: its file name, whether it carries gold labels, and the number of data
 * rows of the official release (without the header line), which {@code data stats} checks against.
 */
public record SplitSpec(String name, String fileName, boolean labeled, int publishedRows) {

    public SplitSpec {
        if (name == null || name.isBlank() || fileName == null || fileName.isBlank()) {
            throw new IllegalArgumentException("split name and file name are required");
        }
        if (publishedRows <= 0) {
            throw new IllegalArgumentException("publishedRows must be positive, got " + publishedRows);
        }
    }
}
