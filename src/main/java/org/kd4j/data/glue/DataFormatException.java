package org.kd4j.data.glue;

import java.nio.file.Path;
import org.kd4j.KdException;

/** A data file that does not have the expected layout; the message names file, line and the problem. */
public class DataFormatException extends KdException {

    private final Path file;
    private final int line;

    public DataFormatException(Path file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }
}
