package org.kd4j.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.kd4j.ConfigException;

/**
 * Intermediate-layer distillation from one teacher (TinyBERT / MiniLM style; see
 * {@link org.kd4j.distill.loss.LayerLoss} for the formula): the {@code distill.layers} section.
 *
 * @param teacher the name of the teacher whose layers are matched; empty (the default): off
 * @param map which student layer learns from which teacher layer (0-based)
 * @param hiddenWeight weight of the layers' hidden-state MSE
 * @param attentionWeight weight of the layers' attention KL
 */
public record LayerDistillation(String teacher, List<Pair> map, double hiddenWeight, double attentionWeight) {

    /** Student layer {@code student} learns from teacher layer {@code teacher}. */
    public record Pair(int student, int teacher) {
        public Pair {
            ConfigException.requireRange("student", student, 0, 47);
            ConfigException.requireRange("teacher", teacher, 0, 47);
        }
    }

    public LayerDistillation {
        teacher = teacher == null ? "" : teacher.strip();
        map = map == null ? List.of() : List.copyOf(map);
        ConfigException.requireRange("hidden_weight", hiddenWeight, 0.0, 100.0);
        ConfigException.requireRange("attention_weight", attentionWeight, 0.0, 100.0);
        if (!teacher.isEmpty() && map.isEmpty()) {
            throw ConfigException.invalid("map", "[]", "at least one {student: i, teacher: j} pair when teacher is set");
        }
        if (teacher.isEmpty() && !map.isEmpty()) {
            throw ConfigException.invalid("teacher", "", "the name of the teacher whose layers 'map' names");
        }
        if (!teacher.isEmpty() && hiddenWeight == 0 && attentionWeight == 0) {
            throw ConfigException.invalid("attention_weight", attentionWeight, "a positive value when hidden_weight is 0");
        }
        Set<Integer> students = new HashSet<>();
        for (Pair p : map) {
            if (!students.add(p.student())) {
                throw ConfigException.invalid("map", map, "each student layer at most once (layer " + p.student() + " twice)");
            }
        }
    }

    /** Off. */
    public static LayerDistillation off() {
        return new LayerDistillation("", List.of(), 1.0, 1.0);
    }

    /** Whether a teacher is named. */
    public boolean on() {
        return !teacher.isEmpty();
    }
}
