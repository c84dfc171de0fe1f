package org.kd4j.quality;

import java.util.Locale;
import java.util.Objects;
import org.kd4j.config.WeightingScheme;

/**
 * One row of a task's table: what the student is trained from.
 *
 * @param kind cross-entropy, one teacher, the ensemble, or the ensemble with a method on
 * @param teacher the teacher's name for {@link CellKind#SINGLE_TEACHER}; empty otherwise
 * @param weighting the ensemble's weighting for {@link CellKind#ENSEMBLE} and {@link CellKind#METHOD}; null otherwise
 * @param method the method's name for {@link CellKind#METHOD}; empty otherwise
 */
public record Cell(CellKind kind, String teacher, WeightingScheme weighting, String method) {

    public Cell {
        Objects.requireNonNull(kind, "kind");
        teacher = teacher == null ? "" : teacher;
        method = method == null ? "" : method;
        if ((kind == CellKind.SINGLE_TEACHER) == teacher.isEmpty()) {
            throw new IllegalArgumentException(kind + ": teacher '" + teacher + "'");
        }
        if ((kind == CellKind.ENSEMBLE || kind == CellKind.METHOD) == (weighting == null)) {
            throw new IllegalArgumentException(kind + ": weighting " + weighting);
        }
        if ((kind == CellKind.METHOD) == method.isEmpty()) {
            throw new IllegalArgumentException(kind + ": method '" + method + "'");
        }
    }

    /** A cell of the plan's own kinds (no method). */
    public Cell(CellKind kind, String teacher, WeightingScheme weighting) {
        this(kind, teacher, weighting, "");
    }

    public static Cell crossEntropy() {
        return new Cell(CellKind.CROSS_ENTROPY, "", null, "");
    }

    public static Cell singleTeacher(String teacher) {
        return new Cell(CellKind.SINGLE_TEACHER, teacher, null, "");
    }

    public static Cell ensemble(WeightingScheme weighting) {
        return new Cell(CellKind.ENSEMBLE, "", weighting, "");
    }

    /** The ensemble with {@code weighting} and the plan's method {@code name} on. */
    public static Cell method(String name, WeightingScheme weighting) {
        return new Cell(CellKind.METHOD, "", weighting, name);
    }

    /**
     * The folder name: {@code cross-entropy}, {@code teacher-<name>}, {@code ensemble-<weighting>},
     * {@code method-<name>}.
     */
    public String id() {
        return switch (kind) {
            case CROSS_ENTROPY -> "cross-entropy";
            case SINGLE_TEACHER -> "teacher-" + teacher;
            case ENSEMBLE -> "ensemble-" + weightingName();
            case METHOD -> "method-" + method;
        };
    }

    /** The row label in the report. */
    public String label() {
        return switch (kind) {
            case CROSS_ENTROPY -> "cross-entropy only";
            case SINGLE_TEACHER -> "distilled from " + teacher;
            case ENSEMBLE -> "distilled from the ensemble (" + weightingName() + ")";
            case METHOD -> "ensemble (" + weightingName() + ") + " + method;
        };
    }

    /** The weighting as written in YAML ({@code teacher_loss}); empty when there is none. */
    public String weightingName() {
        return weighting == null ? "" : weighting.name().toLowerCase(Locale.ROOT);
    }
}
