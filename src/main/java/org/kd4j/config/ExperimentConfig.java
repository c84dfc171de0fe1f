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
 * @param teacherStage how the teachers are trained: each on its own (default) or co-finetuned together with a shared
 *     head ({@link TeacherStage}, YAML {@code teacher_stage: {training: separate | cofinetuned}})
 */
public record ExperimentConfig(GlueTask task, DataConfig data, TokenizerConfig tokenizer, List<TeacherConfig> teachers,
                               StudentConfig student, DistillConfig distill, RunConfig run, TeacherStage teacherStage) {

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
        teacherStage = teacherStage == null ? TeacherStage.defaults() : teacherStage;
        if (teacherStage.cofinetuned()) {
            checkCofinetuned(teachers);
        }
    }

    /** A run whose teachers are trained each on its own ({@link TeacherStage#defaults()}). */
    public ExperimentConfig(GlueTask task, DataConfig data, TokenizerConfig tokenizer, List<TeacherConfig> teachers,
                            StudentConfig student, DistillConfig distill, RunConfig run) {
        this(task, data, tokenizer, teachers, student, distill, run, TeacherStage.defaults());
    }

    /** This config with another teacher stage. */
    public ExperimentConfig withTeacherStage(TeacherStage stage) {
        return new ExperimentConfig(task, data, tokenizer, teachers, student, distill, run, stage);
    }

    private static final String COFINETUNED = "teacher_stage.training";

    /** What co-finetuning asks of the teachers that a config alone can tell (shapes are checked when models are built). */
    private static void checkCofinetuned(List<TeacherConfig> teachers) {
        if (teachers.size() < 2) {
            throw ConfigException.invalid(COFINETUNED, "cofinetuned", "at least two teachers to fine-tune together, found "
                    + teachers.size() + (teachers.isEmpty() ? "" : " (" + teachers.get(0).name() + ")")
                    + "; use training: separate");
        }
        for (TeacherConfig t : teachers) {
            if (t.external()) {
                throw ConfigException.invalid(COFINETUNED, "cofinetuned", "teachers trained here, found teachers[" + t.name()
                        + "] imported already fine-tuned (imported: " + t.imported() + "), which cannot be co-finetuned;"
                        + " remove it or use training: separate");
            }
            if (!t.pretrained() && t.model().type() != org.kd4j.model.ModelType.TRANSFORMER) {
                throw ConfigException.invalid(COFINETUNED, "cofinetuned", "teachers on kd4j's transformer (init: or model.type:"
                        + " transformer), found teachers[" + t.name() + "] of type " + t.model().type().name().toLowerCase(
                        java.util.Locale.ROOT) + "; use training: separate");
            }
        }
        TeacherConfig first = teachers.get(0);
        for (TeacherConfig t : teachers.subList(1, teachers.size())) {
            if (!t.train().equals(first.train())) {
                throw ConfigException.invalid(COFINETUNED, "cofinetuned", "equal train sections (the teachers train in one"
                        + " joint run), found teachers[" + t.name() + "].train " + org.kd4j.config.ConfigLoader.toYaml(t.train())
                        .strip().replace("\n", ", ") + " against teachers[" + first.name() + "].train "
                        + org.kd4j.config.ConfigLoader.toYaml(first.train()).strip().replace("\n", ", "));
            }
        }
    }

    public static ExperimentConfig defaults() {
        return new ExperimentConfig(GlueTask.SST2, DataConfig.defaults(), TokenizerConfig.defaults(),
                List.of(TeacherConfig.defaults()), StudentConfig.defaults(), DistillConfig.defaults(), RunConfig.defaults(),
                TeacherStage.defaults());
    }
}
