package org.kd4j.quality;

/** What a cell's student learns from. */
public enum CellKind {
    /** Gold labels only: the baseline, no teachers. */
    CROSS_ENTROPY,
    /** Distilled from one teacher alone: one cell per teacher. */
    SINGLE_TEACHER,
    /** Distilled from the ensemble of all teachers: one cell per weighting scheme. */
    ENSEMBLE
}
