package org.kd4j.data.glue;

/** A row that cannot be parsed; the reader adds file and line and either fails or skips it. */
final class BadRowException extends Exception {

    BadRowException(String problem) {
        super(problem, null, false, false);
    }
}
