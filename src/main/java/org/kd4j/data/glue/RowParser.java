package org.kd4j.data.glue;

import java.util.Locale;

/** Turns one line of a task file into an {@link Example}; shared checks for texts and labels live here. */
abstract sealed class RowParser permits TsvRowParser, JsonlRowParser {

    protected final GlueTask task;
    protected final Columns columns;

    RowParser(GlueTask task, SplitSpec split) {
        this.task = task;
        this.columns = split.labeled() ? task.columns() : task.columns().unlabeled();
    }

    abstract Example parse(String line, int lineNumber) throws BadRowException;

    /** Whether the first line of the file is a header to consume before data rows. */
    boolean expectsHeader() {
        return false;
    }

    void readHeader(String line) throws BadRowException {
        throw new IllegalStateException("no header expected");
    }

    static String requireText(String value, String field) throws BadRowException {
        if (value == null) {
            throw new BadRowException("missing field '" + field + "'");
        }
        if (value.isBlank()) {
            throw new BadRowException("empty text in field '" + field + "'; expected a sentence");
        }
        return value;
    }

    /** Builds the example, validating texts and the label against the task's label set or score range. */
    Example example(String id, int line, String textA, String textB, String labelText, String extra)
            throws BadRowException {
        String a = requireText(textA, columns.textA());
        if (columns.extra() != null) {
            a = requireText(extra, columns.extra()) + ": " + a;
        }
        String b = columns.textB() == null ? null : requireText(textB, columns.textB());
        int label = Example.NO_LABEL;
        double score = Double.NaN;
        if (columns.label() != null) {
            if (labelText == null) {
                throw new BadRowException("missing label field '" + columns.label() + "'");
            }
            if (task.isRegression()) {
                score = parseScore(labelText.trim());
            } else {
                label = task.labels().indexOf(labelText.trim().toLowerCase(Locale.ROOT));
                if (label < 0) {
                    throw new BadRowException("unknown label '" + labelText + "' in field '" + columns.label()
                            + "'; expected one of " + String.join(", ", task.labels()));
                }
            }
        }
        return new Example(id, line, a, b, label, score);
    }

    private double parseScore(String text) throws BadRowException {
        double score;
        try {
            score = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new BadRowException("score '" + text + "' in field '" + columns.label() + "' is not a number");
        }
        if (!(score >= GlueTask.REGRESSION_MIN && score <= GlueTask.REGRESSION_MAX)) {
            throw new BadRowException("score " + text + " in field '" + columns.label() + "' is outside "
                    + GlueTask.REGRESSION_MIN + ".." + GlueTask.REGRESSION_MAX);
        }
        return score;
    }

    static RowParser create(GlueTask task, SplitSpec split) {
        return switch (task.benchmark()) {
            case GLUE -> new TsvRowParser(task, split);
            case SUPERGLUE -> new JsonlRowParser(task, split);
        };
    }
}
