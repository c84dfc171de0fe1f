package org.kd4j.quality;

/** What a cell's student learns from. */
public enum CellKind {
    /** Gold labels only: the baseline, no teachers. */
    CROSS_ENTROPY,
    /** Distilled from one teacher alone: one cell per teacher. */
    SINGLE_TEACHER,
    /** Distilled from the ensemble of all teachers: one cell per weighting scheme. */
    ENSEMBLE,
    /**
     * Distilled from the ensemble with one of the plan's methods on (issue 12: an augmented transfer set, a hidden loss,
     * ...): the ensemble cell of the plan's {@code method_weighting} with the method's preset keys over it. Listed under
     * the plan's {@code methods}, never under {@code cells}.
     */
    METHOD
}
