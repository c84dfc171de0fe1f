package org.kd4j.imports.encoder;

import org.kd4j.imports.ImportException;

/** The graph is not a BERT-family encoder that kd4j's native transformer can hold; the message says what did not fit. */
public final class NotRecognizedException extends ImportException {

    private static final long serialVersionUID = 1L;

    public NotRecognizedException(String message) {
        super(message);
    }
}
