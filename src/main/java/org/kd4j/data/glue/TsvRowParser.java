package org.kd4j.data.glue;

import java.util.Arrays;
import java.util.List;

/**
 * GLUE's tab-separated rows. Fields are split on {@code \t} only: GLUE files are not CSV and their sentences
 * contain quote characters that must survive. Columns are found by the header's names; CoLA's labeled files
 * have no header and use the task's fixed column names instead.
 */
final class TsvRowParser extends RowParser {

    private final boolean headerInFile;
    private List<String> header;
    private int a;
    private int b;
    private int label;
    private int id;

    TsvRowParser(GlueTask task, SplitSpec split) {
        super(task, split);
        headerInFile = !(split.labeled() && task.headerlessColumns() != null);
        if (!headerInFile) {
            bind(task.headerlessColumns());
        }
    }

    @Override
    boolean expectsHeader() {
        return headerInFile;
    }

    @Override
    void readHeader(String line) throws BadRowException {
        bind(Arrays.asList(line.split("\t", -1)));
    }

    private void bind(List<String> names) throws IllegalStateException {
        header = names;
        a = index(columns.textA(), true);
        b = index(columns.textB(), columns.textB() != null);
        label = index(columns.label(), columns.label() != null);
        id = index(columns.id(), false);
    }

    private int index(String name, boolean required) {
        int i = name == null ? -1 : header.indexOf(name);
        if (i < 0 && required) {
            throw new HeaderException("header has no column '" + name + "'; found columns: "
                    + String.join(", ", header));
        }
        return i;
    }

    @Override
    Example parse(String line, int lineNumber) throws BadRowException {
        String[] fields = line.split("\t", -1);
        if (fields.length != header.size()) {
            throw new BadRowException("expected " + header.size() + " tab-separated columns ("
                    + String.join(", ", header) + "), found " + fields.length);
        }
        String exampleId = id >= 0 ? fields[id] : Integer.toString(lineNumber);
        return example(exampleId, lineNumber, fields[a], b >= 0 ? fields[b] : null,
                label >= 0 ? fields[label] : null, null);
    }

    /** A header that lacks a required column: the whole file is unusable, so this is never skipped. */
    static final class HeaderException extends RuntimeException {
        HeaderException(String message) {
            super(message, null, false, false);
        }
    }
}
