package org.kd4j.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.kd4j.ConfigException;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.TeacherConfig;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.config.WeightingScheme;

/**
 * The quality benchmark's plan, as written in {@code hparams/quality/*.yaml}: which tasks, teachers, students, cells and
 * seeds. Each (task, student, cell, seed) becomes one distillation run ({@link QualityBenchmark}).
 *
 * <p>The experiment sections are written as in a preset ({@link ExperimentConfig}'s keys, read over its defaults):
 * {@code base} holds what every run shares (data settings, tokenizer, teachers, distillation objective, the teacher
 * cache); each task entry adds its own {@code data} and {@code distill} keys and {@code set} overrides; each student
 * entry gives the {@code student} section. The cells then decide the teachers (none, one, all), the student variant,
 * the ensemble weighting, the student's seed and the run directory.
 *
 * @param resultsDir where the cells' run directories go: {@code <results_dir>/<task>/<student>/<cell>/seed-<n>}
 * @param seeds the students' seeds (initialisation and batch order); teachers are trained once, with their own seeds
 * @param cells which kinds of cells: one cross-entropy cell, one per teacher, one per weighting of the ensemble
 * @param weightings the ensemble's weighting schemes ({@code uniform}, {@code confidence}, {@code teacher_loss})
 * @param saveModels write each cell's student model into its run directory (false: metrics, report and provenance only)
 * @param base the sections every run shares, as in a preset; not {@code task}, {@code student} or the run's own keys
 * @param tasks the tasks, in report order
 * @param students the students, in column order
 */
public record QualityPlan(String resultsDir, List<Long> seeds, List<CellKind> cells, List<WeightingScheme> weightings,
                          boolean saveModels, JsonNode base, List<TaskPlan> tasks, List<StudentPlan> students) {

    /**
     * One task of the plan.
     *
     * @param task the GLUE task
     * @param data its {@code data} keys over {@code base.data} (e.g. {@code train_limit}, {@code max_length})
     * @param distill its {@code distill} keys over {@code base.distill} (e.g. STS-B's temperature)
     * @param set {@code dotted.key=value} overrides applied last to this task's runs (e.g.
     *     {@code student.train.epochs=6} for a small training set)
     */
    public record TaskPlan(GlueTask task, JsonNode data, JsonNode distill, List<String> set) {

        public TaskPlan {
            if (task == null) {
                throw ConfigException.invalid("task", null, "a GLUE task such as SST-2");
            }
            set = set == null ? List.of() : List.copyOf(set);
        }
    }

    /**
     * One student of the plan (a column of the tables).
     *
     * @param name short name, used on the command line ({@code --students}) and in folder names
     * @param description what it is, for the report (e.g. "SEAD shape from scratch")
     * @param student the {@code student} section, as in a preset, over the default student
     */
    public record StudentPlan(String name, String description, JsonNode student) {

        public StudentPlan {
            ConfigException.requireText("name", name);
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw ConfigException.invalid("name", name, "letters, digits, '_', '-' or '.'");
            }
            description = description == null ? "" : description.strip();
        }
    }

    public QualityPlan {
        ConfigException.requireText("results_dir", resultsDir);
        if (seeds == null || seeds.isEmpty()) {
            throw ConfigException.invalid("seeds", seeds, "at least one seed, e.g. [1, 2, 3]");
        }
        seeds = List.copyOf(seeds);
        if (new HashSet<>(seeds).size() != seeds.size()) {
            throw ConfigException.invalid("seeds", seeds, "each seed once");
        }
        if (cells == null || cells.isEmpty()) {
            throw ConfigException.invalid("cells", cells, "at least one of cross_entropy, single_teacher, ensemble");
        }
        cells = List.copyOf(cells);
        if (new HashSet<>(cells).size() != cells.size()) {
            throw ConfigException.invalid("cells", cells, "each kind once");
        }
        weightings = weightings == null ? List.of() : List.copyOf(weightings);
        if (cells.contains(CellKind.ENSEMBLE) && weightings.isEmpty()) {
            throw ConfigException.invalid("weightings", weightings, "at least one of uniform, confidence, teacher_loss for"
                    + " the ensemble cells");
        }
        if (new HashSet<>(weightings).size() != weightings.size()) {
            throw ConfigException.invalid("weightings", weightings, "each scheme once");
        }
        if (weightings.contains(WeightingScheme.FIXED)) {
            throw ConfigException.invalid("weightings", "fixed", "uniform, confidence or teacher_loss (fixed weights are"
                    + " one per teacher, which the single-teacher cells do not have)");
        }
        if (base == null || base.isNull() || base.isMissingNode()) {
            base = JsonNodeFactory.instance.objectNode();
        }
        if (!base.isObject()) {
            throw ConfigException.invalid("base", base.getNodeType(), "a mapping of preset keys");
        }
        for (String own : List.of("task", "student")) {
            if (base.has(own)) {
                throw ConfigException.invalid("base." + own, base.get(own), "no " + own + " in base: the plan's "
                        + own + "s are listed under '" + own + "s'");
            }
        }
        if (base.has("run")) {
            for (Iterator<String> keys = base.get("run").fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!key.equals("cache_dir")) {
                    throw ConfigException.invalid("base.run." + key, base.get("run").get(key), "only cache_dir under"
                            + " base.run (each cell sets its own run directory, students and options)");
                }
            }
        }
        if (tasks == null || tasks.isEmpty()) {
            throw ConfigException.invalid("tasks", tasks, "at least one task");
        }
        tasks = List.copyOf(tasks);
        Set<GlueTask> seenTasks = new HashSet<>();
        for (TaskPlan t : tasks) {
            if (!seenTasks.add(t.task())) {
                throw ConfigException.invalid("tasks", t.task(), "each task once");
            }
        }
        if (students == null || students.isEmpty()) {
            throw ConfigException.invalid("students", students, "at least one student");
        }
        students = List.copyOf(students);
        Set<String> seenStudents = new HashSet<>();
        for (StudentPlan s : students) {
            if (!seenStudents.add(s.name())) {
                throw ConfigException.invalid("students", s.name(), "unique student names");
            }
        }
    }

    /**
     * Reads a plan and checks it whole: its own keys, and every (task, student) run configuration it makes (unknown
     * keys, values out of range, teachers the cells need). Errors name the file, the key and the value.
     */
    public static QualityPlan load(Path file) {
        QualityPlan plan = ConfigLoader.loadRecord(file, QualityPlan.class);
        for (TaskPlan t : plan.tasks()) {
            for (StudentPlan s : plan.students()) {
                ExperimentConfig config = plan.config(file.toString(), t.task(), s.name());
                if (config.teachers().isEmpty() && (plan.cells().contains(CellKind.SINGLE_TEACHER)
                        || plan.cells().contains(CellKind.ENSEMBLE))) {
                    throw ConfigException.of(file.toString(), "base.teachers: the cells " + plan.cells()
                            + " need at least one teacher, found none");
                }
            }
        }
        return plan;
    }

    public TaskPlan task(GlueTask task) {
        return tasks.stream().filter(t -> t.task() == task).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("task " + task + " is not in the plan"));
    }

    public StudentPlan student(String name) {
        return students.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("student " + name + " is not in the plan"));
    }

    /**
     * The run configuration shared by the cells of one task and student: the defaults, overlaid with {@code base}, the
     * task's keys and the student's section, then the task's overrides. The cells set teachers, variant, weighting,
     * seed and run directory on it ({@link QualityCell}).
     *
     * @param source the plan's file, for error messages
     */
    public ExperimentConfig config(String source, GlueTask task, String student) {
        TaskPlan t = task(task);
        StudentPlan s = student(student);
        ObjectNode taskNode = JsonNodeFactory.instance.objectNode();
        taskNode.put("task", task.displayName());
        if (t.data() != null && !t.data().isNull()) {
            taskNode.set("data", t.data());
        }
        if (t.distill() != null && !t.distill().isNull()) {
            taskNode.set("distill", t.distill());
        }
        ObjectNode studentNode = JsonNodeFactory.instance.objectNode();
        if (s.student() != null && !s.student().isNull()) {
            studentNode.set("student", s.student());
        }
        // a placeholder run section: every cell sets its own
        ObjectNode runNode = JsonNodeFactory.instance.objectNode();
        runNode.putObject("run").put("dir", Path.of(resultsDir).toString());
        String where = source + " (task " + task + ", student " + student + ")";
        try {
            return ConfigLoader.load(List.of(base, taskNode, studentNode, runNode), where, t.set());
        } catch (ConfigException e) {
            throw e.getMessage().startsWith(source) ? e : ConfigException.of(where, e.getMessage());
        }
    }

    /** Every cell of a task, in report order: cross-entropy, one per teacher, one per weighting. */
    public List<Cell> cells(List<TeacherConfig> teachers) {
        List<Cell> out = new ArrayList<>();
        if (cells.contains(CellKind.CROSS_ENTROPY)) {
            out.add(Cell.crossEntropy());
        }
        if (cells.contains(CellKind.SINGLE_TEACHER)) {
            teachers.forEach(t -> out.add(Cell.singleTeacher(t.name())));
        }
        if (cells.contains(CellKind.ENSEMBLE)) {
            weightings.forEach(w -> out.add(Cell.ensemble(w)));
        }
        return out;
    }
}
