package org.kd4j.imports.tf;

/** A TensorFlow graph that cannot be imported; the message names the file and what was wrong with it. */
public final class TfImportException extends org.kd4j.KdException {

    private static final long serialVersionUID = 1L;

    public TfImportException(String message) {
        super(message);
    }

    public TfImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
