package org.kd4j;

/**
 * A failure caused by the user's input (a file, a config value, a command-line argument), as opposed
 * to a bug. Its message is complete on one line: it names the file/field/value, what was expected and
 * what was found. The CLI prints it without a stack trace (unless {@code -v}) and exits non-zero.
 */
public class KdException extends RuntimeException {

    public KdException(String message) {
        super(message);
    }

    public KdException(String message, Throwable cause) {
        super(message, cause);
    }
}
