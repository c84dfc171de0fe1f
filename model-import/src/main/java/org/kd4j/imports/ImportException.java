package org.kd4j.imports;

/**
 * Import failed because of the input: the file (unreadable, truncated, wrong type, unsupported opset) or the
 * graph (unsupported constructs, missing inputs). The message names the file and the node or input.
 */
public class ImportException extends org.kd4j.KdException {

    private static final long serialVersionUID = 1L;

    public ImportException(String message) {
        super(message);
    }

    public ImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
