package org.kd4j.util;

import java.util.stream.Collectors;

/** Messages for one-line reports. */
public final class Messages {

    private Messages() {}

    /**
     * {@code text} as one line: its non-blank lines trimmed and joined with "; " (empty for null). Errors are reported
     * one line each, while some messages from libraries (parsers above all) span several.
     */
    public static String oneLine(String text) {
        return text == null ? "" : text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("; "));
    }
}
