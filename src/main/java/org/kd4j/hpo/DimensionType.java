package org.kd4j.hpo;

/** How a swept config key takes its values. */
public enum DimensionType {
    /** A real number, uniform between min and max. */
    UNIFORM,
    /** A positive real number, uniform in log space between min and max (learning rates). */
    LOG_UNIFORM,
    /** An integer between min and max inclusive. */
    INTEGER,
    /** One of the listed values (strings, as written in YAML). */
    CATEGORICAL
}
