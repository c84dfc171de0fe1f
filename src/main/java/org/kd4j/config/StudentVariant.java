package org.kd4j.config;

/** The students a run trains to show what distillation buys, all with the same shape, data and seed. */
public enum StudentVariant {
    /** Cross-entropy on gold labels only: the baseline. */
    CROSS_ENTROPY("student, cross-entropy only", "ce"),
    /** Distilled from the teacher with the best dev score alone. */
    BEST_TEACHER("student, distilled from best teacher", "best-teacher"),
    /** Distilled from the weighted ensemble of all teachers. */
    ENSEMBLE("student, distilled from ensemble", "ensemble");

    private final String label;
    private final String folder;

    StudentVariant(String label, String folder) {
        this.label = label;
        this.folder = folder;
    }

    public String label() {
        return label;
    }

    public String folder() {
        return folder;
    }
}
