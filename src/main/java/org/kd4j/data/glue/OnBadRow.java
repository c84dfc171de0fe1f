package org.kd4j.data.glue;

/** What a reader does with a row it cannot parse. */
public enum OnBadRow {
    /** Stop with an error naming file, line and what was expected (default). */
    FAIL,
    /** Skip the row, count it, and report the count and the first messages after loading. */
    SKIP
}
