package org.kd4j.config;

import org.kd4j.ConfigException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.kd4j.data.glue.GlueTask;

/**
 * A whole run's configuration, as written in an {@code hparams/} preset.
 *
 * @param task the GLUE/SuperGLUE task, e.g. {@code SST-2}
 * @param data data location, lengths, batching
 * @param tokenizer the student's tokenizer (and the teachers', unless they name their own)
 * @param teachers the teachers, trained by the framework and cached (each list entry is read over
 *     {@link TeacherConfig#defaults()}, so an entry names only what differs)
 * @param student the student
 * @param distill the distillation objective
 * @param run output locations
 */
public record ExperimentConfig(GlueTask task, DataConfig data, TokenizerConfig tokenizer, List<TeacherConfig> teachers,
                               StudentConfig student, DistillConfig distill, RunConfig run) {

    public ExperimentConfig {
        if (task == null) {
            throw ConfigException.invalid("task", null, "a task name such as SST-2");
        }
        if (data == null || tokenizer == null || student == null || distill == null || run == null) {
            throw new IllegalArgumentException("sections data, tokenizer, student, distill and run are required");
        }
        teachers = teachers == null ? List.of() : List.copyOf(teachers);
        Set<String> names = new HashSet<>();
        for (TeacherConfig t : teachers) {
            if (!names.add(t.name())) {
                throw ConfigException.invalid("teachers", t.name(), "unique teacher names");
            }
        }
        if (teachers.isEmpty() && !run.students().contains(org.kd4j.config.StudentVariant.CROSS_ENTROPY)) {
            throw ConfigException.invalid("run.students", run.students(), "cross_entropy when there are no teachers");
        }
        if (!distill.teacherWeights().isEmpty() && distill.teacherWeights().size() != teachers.size()) {
            throw ConfigException.invalid("distill.teacher_weights", distill.teacherWeights(),
                    "one weight per teacher (" + teachers.size() + ")");
        }
        if (distill.layers().on() && teachers.stream().noneMatch(t -> t.name().equals(distill.layers().teacher()))) {
            throw ConfigException.invalid("distill.layers.teacher", distill.layers().teacher(), "the name of a teacher ("
                    + String.join(", ", teachers.stream().map(TeacherConfig::name).toList()) + ")");
        }
        if (!distill.hiddenDims().isEmpty() && distill.hiddenDims().size() != teachers.size()) {
            throw ConfigException.invalid("distill.hidden_dims", distill.hiddenDims(),
                    "one pooled width per teacher (" + teachers.size() + ")");
        }
    }

    public static ExperimentConfig defaults() {
        return new ExperimentConfig(GlueTask.SST2, DataConfig.defaults(), TokenizerConfig.defaults(),
                List.of(TeacherConfig.defaults()), StudentConfig.defaults(), DistillConfig.defaults(), RunConfig.defaults());
    }
}
