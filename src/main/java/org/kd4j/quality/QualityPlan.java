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
import org.kd4j.config.DataConfig;
import org.kd4j.config.StudentConfig;
import org.kd4j.config.TeacherConfig;
import org.kd4j.config.WeightingScheme;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.distill.loss.LayerLoss;
import org.kd4j.model.TransformerConfig;

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
 * @param methodWeighting the ensemble weighting of the method cells, and so which ensemble cell is their baseline
 *     ({@code ensemble-<method_weighting>}, shared with the plan's own cells, not run again); required with methods, one
 *     of {@code weightings}
 * @param methods the methods (issue 12), each run as the ensemble cell of {@code method_weighting} with the method's
 *     preset keys over it, in its own cells {@code <results_dir>/<task>/<student>/method-<name>/seed-<n>}; none by default
 * @param ledgerDir the results ledger: a folder, meant to be committed, where each finished cell's numbers are also kept
 *     ({@link LedgerEntry}, {@code <ledger_dir>/<task>/<student>/<cell>/seed-<n>.json}; no models), so that a fresh clone
 *     has the finished cells: a cell recorded there with its current configuration is done, and the report reads it
 *     where its run directory is gone; null: none
 * @param minTeacherMargin points (of the task's main metric, 0 to 100) by which each fine-tuned teacher must beat the
 *     best constant prediction on the dev set ({@code Evaluation#constantBaseline}) before a task's teacher cells run;
 *     a teacher that does not (it collapsed or learned nothing) stops them with an error naming it (its receipt and
 *     logits, written as it was scored, are left where they are: no cell reads them); null: no check
 */
public record QualityPlan(String resultsDir, List<Long> seeds, List<CellKind> cells, List<WeightingScheme> weightings,
                          boolean saveModels, JsonNode base, List<TaskPlan> tasks, List<StudentPlan> students,
                          WeightingScheme methodWeighting, List<MethodPlan> methods, String ledgerDir,
                          Double minTeacherMargin) {

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

    /**
     * A method of the plan (issue 12): the plain ensemble cell with something added, compared with that cell over the same
     * seeds in the report's methods section.
     *
     * @param name short name, used on the command line ({@code --methods}) and in folder names ({@code method-<name>})
     * @param description what it is, for the report
     * @param tasks the tasks it runs on (empty: every task of the plan)
     * @param students the students it runs on (empty: every student of the plan)
     * @param augment an augmented transfer set made by the benchmark from the cells' own training rows and given to them
     *     as {@code data.transfer_file} ({@link AugmentPlan}); null: none
     * @param control another method of the plan this one is also compared with, seed by seed, besides the baseline (a
     *     control that changes one thing less, e.g. the same teachers fine-tuned apart for co-finetuned ones); it must
     *     have cells wherever this method has; null: none
     * @param preset preset keys ({@link ExperimentConfig}'s: {@code data}, {@code distill}, {@code teachers},
     *     {@code student}, ...) over the task and student's configuration, merged like the plan's task and student
     *     sections; not {@code task}, {@code run} or {@code distill.weighting} (the cell sets them), nor
     *     {@code data.transfer_file} with {@code augment}
     */
    public record MethodPlan(String name, String description, List<GlueTask> tasks, List<String> students,
                             AugmentPlan augment, String control, JsonNode preset) {

        public MethodPlan {
            ConfigException.requireText("name", name);
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw ConfigException.invalid("name", name, "letters, digits, '_', '-' or '.'");
            }
            description = description == null ? "" : description.strip();
            tasks = tasks == null ? List.of() : List.copyOf(tasks);
            students = students == null ? List.of() : List.copyOf(students);
            if (control != null && control.equals(name)) {
                throw ConfigException.invalid("control", control, "another method than " + name);
            }
            if (preset == null || preset.isNull() || preset.isMissingNode()) {
                preset = JsonNodeFactory.instance.objectNode();
            }
            if (!preset.isObject()) {
                throw ConfigException.invalid("preset", preset.getNodeType(), "a mapping of preset keys");
            }
            for (String own : List.of("task", "run")) {
                if (preset.has(own)) {
                    throw ConfigException.invalid("preset." + own, preset.get(own), "no " + own + " section in a method (each"
                            + " cell sets its own)");
                }
            }
            if (preset.path("distill").has("weighting")) {
                throw ConfigException.invalid("preset.distill.weighting", preset.path("distill").get("weighting"),
                        "no weighting in a method: its cells use the plan's method_weighting, as their baseline does");
            }
            if (augment != null && preset.path("data").has("transfer_file")) {
                throw ConfigException.invalid("preset.data.transfer_file", preset.path("data").get("transfer_file"),
                        "no transfer_file with augment (the augmented set is the cells' transfer file)");
            }
        }

        /** Whether the method has cells for this task and student. */
        public boolean appliesTo(GlueTask task, String student) {
            return (tasks.isEmpty() || tasks.contains(task)) && (students.isEmpty() || students.contains(student));
        }
    }

    public QualityPlan {
        ConfigException.requireText("results_dir", resultsDir);
        if (minTeacherMargin != null && !(Double.isFinite(minTeacherMargin) && minTeacherMargin >= 0 && minTeacherMargin <= 100)) {
            throw ConfigException.invalid("min_teacher_margin", minTeacherMargin, "points from 0 to 100 (e.g. 5), or no"
                    + " min_teacher_margin");
        }
        if (ledgerDir != null && (ledgerDir.isBlank() || Path.of(ledgerDir).normalize().startsWith(Path.of(resultsDir).normalize()))) {
            throw ConfigException.invalid("ledger_dir", ledgerDir, "a folder outside results_dir (" + resultsDir + "), to be"
                    + " committed; or no ledger_dir");
        }
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
        if (cells.contains(CellKind.METHOD)) {
            throw ConfigException.invalid("cells", "method", "cross_entropy, single_teacher or ensemble (methods are"
                    + " listed under 'methods')");
        }
        methods = methods == null ? List.of() : List.copyOf(methods);
        if (!methods.isEmpty()) {
            if (methodWeighting == null) {
                throw ConfigException.invalid("method_weighting", null, "the weighting of the ensemble cells the methods are"
                        + " compared with, one of " + names(weightings));
            }
            if (!cells.contains(CellKind.ENSEMBLE) || !weightings.contains(methodWeighting)) {
                throw ConfigException.invalid("method_weighting", methodWeighting.name().toLowerCase(java.util.Locale.ROOT),
                        "one of the plan's ensemble weightings (" + names(cells.contains(CellKind.ENSEMBLE) ? weightings
                        : List.of()) + "): its ensemble cells are the methods' baseline");
            }
        }
        Set<String> seenMethods = new HashSet<>();
        List<GlueTask> planTasks = tasks.stream().map(TaskPlan::task).toList();
        for (MethodPlan m : methods) {
            String key = "methods[" + m.name() + "]";
            if (!seenMethods.add(m.name())) {
                throw ConfigException.invalid("methods", m.name(), "unique method names");
            }
            for (GlueTask t : m.tasks()) {
                if (!planTasks.contains(t)) {
                    throw ConfigException.invalid(key + ".tasks", t, "tasks of the plan (" + names(planTasks) + ")");
                }
            }
            for (String s : m.students()) {
                if (!seenStudents.contains(s)) {
                    throw ConfigException.invalid(key + ".students", s, "students of the plan ("
                            + names(students.stream().map(StudentPlan::name).toList()) + ")");
                }
            }
        }
        List<String> methodNames = methods.stream().map(MethodPlan::name).toList();
        for (MethodPlan m : methods) {
            if (m.control() == null) {
                continue;
            }
            String key = "methods[" + m.name() + "].control";
            MethodPlan control = methods.stream().filter(c -> c.name().equals(m.control())).findFirst().orElseThrow(
                    () -> ConfigException.invalid(key, m.control(), "a method of the plan (" + names(methodNames) + ")"));
            for (GlueTask t : planTasks) {
                for (StudentPlan s : students) {
                    if (m.appliesTo(t, s.name()) && !control.appliesTo(t, s.name())) {
                        throw ConfigException.invalid(key, m.control(), "a method with cells wherever " + m.name() + " has them ("
                                + control.name() + " has none for " + t + " and student " + s.name() + ")");
                    }
                }
            }
        }
    }

    private static String names(List<?> values) {
        return values.stream().map(v -> v instanceof Enum<?> e && !(v instanceof GlueTask)
                ? e.name().toLowerCase(java.util.Locale.ROOT) : String.valueOf(v)).collect(java.util.stream.Collectors.joining(", "));
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
                for (MethodPlan m : plan.methods()) {
                    if (m.appliesTo(t.task(), s.name())) {
                        checkMethod(file.toString(), m, s.name(), plan.methodConfig(file.toString(), t.task(), s.name(), m.name()));
                    }
                }
            }
        }
        return plan;
    }

    /**
     * What can be known of a method's cell before anything runs: it has teachers, and intermediate-layer distillation
     * ({@code distill.layers}) has a transformer student whose layers its map names (and a teacher trained from scratch
     * that has the layers named; a fine-tuned encoder's layers are checked when it is built).
     */
    private static void checkMethod(String source, MethodPlan m, String student, ExperimentConfig config) {
        String where = source + " (method " + m.name() + ", task " + config.task() + ", student " + student + ")";
        if (config.teachers().isEmpty()) {
            throw ConfigException.of(where, "teachers: a method's cells distil from the ensemble, found no teacher");
        }
        var layers = config.distill().layers();
        if (!layers.on()) {
            return;
        }
        StudentConfig s = config.student();
        if (s.imported()) {
            return; // an encoder's layers are known once it is read (checked by the run before training)
        }
        if (!(s.model() instanceof TransformerConfig shape)) {
            throw ConfigException.of(where, "distill.layers.teacher = " + layers.teacher() + ": intermediate-layer"
                    + " distillation needs a transformer student, student " + student + " is a "
                    + s.model().type().name().toLowerCase(java.util.Locale.ROOT) + " (student.model.type); restrict the"
                    + " method to transformer students with 'students:'");
        }
        TeacherConfig teacher = config.teachers().stream().filter(t -> t.name().equals(layers.teacher())).findFirst().orElseThrow();
        LayerLoss.Shape teacherShape = !teacher.external() && !teacher.pretrained() && teacher.model() instanceof TransformerConfig t
                ? new LayerLoss.Shape(t.hidden(), t.heads(), t.layers()) : new LayerLoss.Shape(1, 1, Integer.MAX_VALUE);
        try {
            LayerLoss.check(layers.map(), new LayerLoss.Shape(shape.hidden(), shape.heads(), shape.layers()), teacherShape,
                    teacher.name());
        } catch (IllegalArgumentException e) {
            throw ConfigException.of(where, e.getMessage());
        }
    }

    public TaskPlan task(GlueTask task) {
        return tasks.stream().filter(t -> t.task() == task).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("task " + task + " is not in the plan"));
    }

    public StudentPlan student(String name) {
        return students.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("student " + name + " is not in the plan"));
    }

    public MethodPlan method(String name) {
        return methods.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("method " + name + " is not in the plan"));
    }

    /**
     * The run configuration shared by the cells of one task and student: the defaults, overlaid with {@code base}, the
     * task's keys and the student's section, then the task's overrides. The cells set teachers, variant, weighting,
     * seed and run directory on it ({@link QualityCell}).
     *
     * @param source the plan's file, for error messages
     */
    public ExperimentConfig config(String source, GlueTask task, String student) {
        return resolve(source, task, student, null, null);
    }

    /**
     * The run configuration shared by a method's cells of one task and student: {@link #config}'s overlays, then the
     * method's preset keys, then (with {@code augment}) {@code data.transfer_file} set to the augmented transfer set
     * ({@link #augmentedFile}), then the task's overrides. The cells set teachers, the plan's method weighting, seed and run
     * directory on it, as for the ensemble cells.
     */
    public ExperimentConfig methodConfig(String source, GlueTask task, String student, String method) {
        MethodPlan m = method(method);
        if (m.augment() == null) {
            return resolve(source, task, student, m, null);
        }
        // the augmented set is made from the rows the cells train on: their data section, before the transfer file
        DataConfig data = resolve(source, task, student, m, null).data();
        if (m.augment().rows() == AugmentRows.TRAINING_AND_UNLABELED && data.unlabeledTrain() == 0) {
            throw ConfigException.of(source + " (method " + m.name() + ", task " + task + ", student " + student + ")",
                    "augment.rows = training_and_unlabeled: the cells have no unlabeled rows to augment (data.unlabeled_train"
                    + " is 0); set data.unlabeled_train in the method's preset, or rows: training");
        }
        ObjectNode transfer = JsonNodeFactory.instance.objectNode();
        transfer.putObject("data").put("transfer_file", augmentedFile(task, data, m.augment()).toString());
        return resolve(source, task, student, m, transfer);
    }

    /**
     * Where the augmented transfer set of {@code augment} over {@code data}'s training rows of {@code task} goes:
     * {@code <results_dir>/<task>/augmented/aug-<hash>.tsv}, the hash over everything that decides its content (the
     * data folder, training subset, seed and bad-row handling, and the augmentation's settings), so that other settings
     * make another file, and the cells that read it another configuration.
     */
    public Path augmentedFile(GlueTask task, DataConfig data, AugmentPlan augment) {
        return AugmentedTransferSet.file(Path.of(resultsDir, task.displayName(), AugmentedTransferSet.FOLDER), task, data,
                augment.settings(), augment.rows());
    }

    private ExperimentConfig resolve(String source, GlueTask task, String student, MethodPlan method, JsonNode transfer) {
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
        ObjectNode run = runNode.putObject("run").put("dir", Path.of(resultsDir).toString());
        if (ledgerDir != null) {
            // the teachers' receipts and logits beside the cells' numbers, so that a fresh clone need not fine-tune them
            run.put("teacher_ledger", teacherLedger(task).toString());
        }
        List<JsonNode> overlays = new ArrayList<>(List.of(base, taskNode, studentNode));
        if (method != null) {
            overlays.add(method.preset());
        }
        if (transfer != null) {
            overlays.add(transfer);
        }
        overlays.add(runNode);
        String where = source + " (" + (method == null ? "" : "method " + method.name() + ", ") + "task " + task
                + ", student " + student + ")";
        try {
            return ConfigLoader.load(overlays, where, t.set());
        } catch (ConfigException e) {
            throw e.getMessage().startsWith(source) ? e : ConfigException.of(where, e.getMessage());
        }
    }

    /**
     * Where the results ledger keeps the teachers' receipts and logits of {@code task} ({@code run.teacher_ledger} of its
     * cells): {@code <ledger_dir>/<task>/teachers}.
     *
     * @throws IllegalStateException when the plan has no ledger
     */
    public Path teacherLedger(GlueTask task) {
        if (ledgerDir == null) {
            throw new IllegalStateException("the plan has no ledger_dir");
        }
        return Path.of(ledgerDir, task.displayName(), "teachers");
    }

    /**
     * Every cell of a task, in report order: cross-entropy, one per teacher, one per weighting; but on a regression task
     * no cell for a weighting that is uniform there ({@link WeightingScheme#uniformWithOneOutput()}) when the uniform
     * cell is in the plan: it would train the same student again ({@link #ranAs}).
     */
    public List<Cell> cells(GlueTask task, List<TeacherConfig> teachers) {
        List<Cell> out = new ArrayList<>();
        if (cells.contains(CellKind.CROSS_ENTROPY)) {
            out.add(Cell.crossEntropy());
        }
        if (cells.contains(CellKind.SINGLE_TEACHER)) {
            teachers.forEach(t -> out.add(Cell.singleTeacher(t.name())));
        }
        if (cells.contains(CellKind.ENSEMBLE)) {
            weightings.stream().filter(w -> ranAs(task, w) == w).forEach(w -> out.add(Cell.ensemble(w)));
        }
        return out;
    }

    /**
     * The weighting whose cells stand for {@code weighting}'s on {@code task}: {@link WeightingScheme#UNIFORM} for a
     * scheme that is uniform on a regression task, when the plan has uniform cells; otherwise {@code weighting} itself.
     */
    public WeightingScheme ranAs(GlueTask task, WeightingScheme weighting) {
        return task.isRegression() && weighting.uniformWithOneOutput() && weightings.contains(WeightingScheme.UNIFORM)
                ? WeightingScheme.UNIFORM : weighting;
    }

    /** The method cells of a task and student, in the plan's order of methods. */
    public List<Cell> methodCells(GlueTask task, String student) {
        return methods.stream().filter(m -> m.appliesTo(task, student)).map(m -> Cell.method(m.name(), methodWeighting)).toList();
    }

    /** The ensemble cell the methods are compared with: {@code ensemble-<method_weighting>}; empty without methods. */
    public java.util.Optional<Cell> methodBaseline() {
        return methods.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Cell.ensemble(methodWeighting));
    }
}
