package org.kd4j.config;

import java.util.List;
import org.kd4j.distill.StudentVariant;

/**
 * Where a run writes, and which students it trains.
 *
 * @param dir the run directory (the distilled student, its report, metrics and provenance)
 * @param cacheDir trained teachers and their cached logits, shared by runs and sweeps
 * @param students the student variants to train (the last one listed that ran is written as the run's model:
 *     the ensemble-distilled one when present); sweeps train only {@code ensemble}
 */
public record RunConfig(String dir, String cacheDir, List<StudentVariant> students) {

    public RunConfig {
        ConfigException.requireText("dir", dir);
        ConfigException.requireText("cache_dir", cacheDir);
        if (students == null || students.isEmpty()) {
            throw ConfigException.invalid("students", students, "at least one of cross_entropy, best_teacher, ensemble");
        }
        students = List.copyOf(students);
    }

    public static RunConfig defaults() {
        return new RunConfig("runs/default", "runs/cache", List.of(StudentVariant.values()));
    }
}
