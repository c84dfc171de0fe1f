package org.kd4j.quality;

import java.util.Locale;
import java.util.Objects;
import org.kd4j.config.WeightingScheme;

/**
 * One row of a task's table: what the student is trained from.
 *
 * @param kind cross-entropy, one teacher, or the ensemble
 * @param teacher the teacher's name for {@link CellKind#SINGLE_TEACHER}; empty otherwise
 * @param weighting the ensemble's weighting for {@link CellKind#ENSEMBLE}; null otherwise
 */
public record Cell(CellKind kind, String teacher, WeightingScheme weighting) {

    public Cell {
        Objects.requireNonNull(kind, "kind");
        teacher = teacher == null ? "" : teacher;
        if ((kind == CellKind.SINGLE_TEACHER) == teacher.isEmpty()) {
            throw new IllegalArgumentException(kind + ": teacher '" + teacher + "'");
        }
        if ((kind == CellKind.ENSEMBLE) == (weighting == null)) {
            throw new IllegalArgumentException(kind + ": weighting " + weighting);
        }
    }

    public static Cell crossEntropy() {
        return new Cell(CellKind.CROSS_ENTROPY, "", null);
    }

    public static Cell singleTeacher(String teacher) {
        return new Cell(CellKind.SINGLE_TEACHER, teacher, null);
    }

    public static Cell ensemble(WeightingScheme weighting) {
        return new Cell(CellKind.ENSEMBLE, "", weighting);
    }

    /** The folder name: {@code cross-entropy}, {@code teacher-<name>}, {@code ensemble-<weighting>}. */
    public String id() {
        return switch (kind) {
            case CROSS_ENTROPY -> "cross-entropy";
            case SINGLE_TEACHER -> "teacher-" + teacher;
            case ENSEMBLE -> "ensemble-" + weightingName();
        };
    }

    /** The row label in the report. */
    public String label() {
        return switch (kind) {
            case CROSS_ENTROPY -> "cross-entropy only";
            case SINGLE_TEACHER -> "distilled from " + teacher;
            case ENSEMBLE -> "distilled from the ensemble (" + weightingName() + ")";
        };
    }

    /** The weighting as written in YAML ({@code teacher_loss}); empty when there is none. */
    public String weightingName() {
        return weighting == null ? "" : weighting.name().toLowerCase(Locale.ROOT);
    }
}
