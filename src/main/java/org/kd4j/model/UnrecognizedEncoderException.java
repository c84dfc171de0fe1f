package org.kd4j.model;

/**
 * An ONNX export is not a BERT-family encoder that kd4j's native transformer can hold; the message says what did not
 * fit. Thrown through {@link ModelImport} (the import side's own exception is its cause), so that the core can fall
 * back to the generic SameDiff import without depending on the import side.
 */
public final class UnrecognizedEncoderException extends Exception {

    private static final long serialVersionUID = 1L;

    public UnrecognizedEncoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
