package org.kd4j.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import org.kd4j.util.Durations;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.StudentConfig;
import org.kd4j.config.TeacherConfig;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.config.WeightingScheme;
import org.kd4j.eval.MarkdownTable;
import org.kd4j.eval.Metric;
import org.kd4j.model.BiLstmConfig;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.TransformerConfig;

/**
 * The benchmark's report over every finished cell of a plan, in Markdown: per task a table with one row per cell and one
 * column per student (mean ± sample standard deviation of the task's main dev metric over the seeds done, in points;
 * "-" for a cell not run yet), the teachers' and the ensemble's own dev scores, the time each part took; then the goals
 * ({@link Goals}). A partial benchmark renders too.
 */
public final class QualityReport {

    private static final Logger LOG = LogManager.getLogger(QualityReport.class);

    private final QualityPlan plan;
    private final String source;
    private final Map<GlueTask, ExperimentConfig> taskConfigs = new LinkedHashMap<>();
    private final Map<QualityCell, CellResult> results = new LinkedHashMap<>();
    private final List<QualityCell> cells;

    private QualityReport(QualityPlan plan, String source) {
        this.plan = plan;
        this.source = source;
        this.cells = QualityBenchmark.allCells(plan, source);
        for (QualityPlan.TaskPlan t : plan.tasks()) {
            taskConfigs.put(t.task(), plan.config(source, t.task(), plan.students().get(0).name()));
        }
        for (QualityCell c : cells) {
            if (c.status() == QualityCell.Status.DONE) {
                results.put(c, c.result(Metric.mainFor(c.task())));
            }
        }
    }

    /** Reads every finished cell of the plan. */
    public static QualityReport read(QualityPlan plan, String source) {
        return new QualityReport(plan, source);
    }

    public int cellsDone() {
        return results.size();
    }

    public int cellsPlanned() {
        return cells.size();
    }

    /**
     * A cell's summary over the seeds done; empty when none is. An ensemble cell the plan does not run on the task (a
     * weighting that is uniform there, {@link QualityPlan#ranAs}) is read from the cells that stand for it.
     */
    public Optional<Summary> summary(GlueTask task, String student, Cell cell) {
        Cell ran = ranAs(task, cell);
        List<Double> values = results.entrySet().stream()
                .filter(e -> e.getKey().task() == task && e.getKey().student().equals(student) && e.getKey().cell().equals(ran))
                .map(e -> e.getValue().student()).toList();
        return values.isEmpty() ? Optional.empty() : Optional.of(Summary.ofMetric(values));
    }

    private Cell ranAs(GlueTask task, Cell cell) {
        return cell.kind() == CellKind.ENSEMBLE ? Cell.ensemble(plan.ranAs(task, cell.weighting())) : cell;
    }

    /** A cell's main metric per seed done, in points, by seed. */
    public Map<Long, Double> perSeed(GlueTask task, String student, Cell cell) {
        Map<Long, Double> out = new java.util.TreeMap<>();
        results.forEach((c, r) -> {
            if (c.task() == task && c.student().equals(student) && c.cell().equals(cell)) {
                out.put(c.seed(), 100 * r.student());
            }
        });
        return out;
    }

    /** The configuration of a method's cells of a task and student (the plan's, as the cells are made from it). */
    ExperimentConfig methodConfig(GlueTask task, String student, String method) {
        return plan.methodConfig(source, task, student, method);
    }

    /**
     * A teacher's own dev score in points, from any finished cell of the task's table that had it (not from method cells:
     * a method may bring teachers of the same name trained otherwise, {@link #methodResult}).
     */
    public OptionalDouble teacher(GlueTask task, String name) {
        return planCells(task).filter(r -> r.teachers().containsKey(name)).mapToDouble(r -> 100 * r.teachers().get(name)).findFirst();
    }

    /** The results of the task's finished cells but the methods' (those of the plan's own teachers), in the plan's order. */
    private java.util.stream.Stream<CellResult> planCells(GlueTask task) {
        return results.entrySet().stream().filter(e -> e.getKey().task() == task && e.getKey().cell().kind() != CellKind.METHOD)
                .map(Map.Entry::getValue);
    }

    /** The result of any finished cell of a method on a task (its teachers' and ensemble's own scores); empty when none is. */
    Optional<CellResult> methodResult(GlueTask task, String method) {
        return results.entrySet().stream().filter(e -> e.getKey().task() == task && e.getKey().cell().kind() == CellKind.METHOD
                && e.getKey().cell().method().equals(method)).map(Map.Entry::getValue).findFirst();
    }

    /** The ensemble's own dev score in points with a weighting, from any finished ensemble cell. */
    public OptionalDouble ensemble(GlueTask task, WeightingScheme weighting) {
        Cell ran = Cell.ensemble(plan.ranAs(task, weighting));
        return results.entrySet().stream().filter(e -> e.getKey().task() == task && e.getKey().cell().equals(ran)
                        && e.getValue().ensemble().isPresent())
                .mapToDouble(e -> 100 * e.getValue().ensemble().get()).findFirst();
    }

    /** The task's configuration as the plan gives it (its first student's). */
    ExperimentConfig taskConfig(GlueTask task) {
        return taskConfigs.get(task);
    }

    public List<TeacherConfig> teachers(GlueTask task) {
        boolean taught = plan.cells().contains(CellKind.SINGLE_TEACHER) || plan.cells().contains(CellKind.ENSEMBLE)
                || !plan.methods().isEmpty();
        // a plan of cross-entropy cells only has no teachers (its configs hold the default one, which nothing uses)
        return taught ? taskConfigs.get(task).teachers() : List.of();
    }

    /** A student's section as the plan gives it (the first task's). */
    public StudentConfig student(String name) {
        return plan.config(source, plan.tasks().get(0).task(), name).student();
    }

    public QualityPlan plan() {
        return plan;
    }

    /** The cells of a task's table (the same for every student). */
    public List<Cell> cells(GlueTask task) {
        return plan.cells(task, teachers(task));
    }

    /** The report; {@code command} is the command line that made it, quoted in its first line. */
    public String markdown(String command) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Generated by `%s` from the finished cells under `%s`%s: %d of %d cells done"
                        + " (%s). Scores are each task's main dev metric x 100: mean ± sample standard deviation over the seeds"
                        + " %s; \"(n=k)\" marks a cell with fewer seeds done, \"-\" a cell not run yet.%n%n",
                command, plan.resultsDir(), plan.ledgerDir() == null ? "" : " and the results ledger `" + plan.ledgerDir() + "`",
                cellsDone(), cellsPlanned(), source,
                plan.seeds().stream().map(String::valueOf).collect(Collectors.joining(", "))));
        sb.append(studentsTable()).append('\n');
        for (QualityPlan.TaskPlan t : plan.tasks()) {
            sb.append(task(t.task()));
        }
        if (!plan.methods().isEmpty()) {
            sb.append(new MethodsSection(this).markdown()).append('\n');
        }
        sb.append(timeTable()).append('\n');
        sb.append(new Goals(this).markdown());
        return sb.toString();
    }

    private String studentsTable() {
        MarkdownTable table = new MarkdownTable("student", "what", "model", "parameters", "cells done");
        for (QualityPlan.StudentPlan s : plan.students()) {
            StudentConfig config = student(s.name());
            long parameters = results.entrySet().stream().filter(e -> e.getKey().student().equals(s.name()))
                    .mapToLong(e -> e.getValue().studentParameters()).findFirst().orElse(0);
            long done = results.keySet().stream().filter(c -> c.student().equals(s.name())).count();
            long planned = cells.stream().filter(c -> c.student().equals(s.name())).count();
            table.row(s.name(), s.description().isEmpty() ? "-" : s.description(), describe(config),
                    parameters == 0 ? "-" : String.format(Locale.ROOT, "%,d", parameters), done + " of " + planned);
        }
        return table.toString();
    }

    static String describe(StudentConfig s) {
        if (s.imported()) {
            return (s.initLayers() > 0 ? "first " + s.initLayers() + " layer(s) of " : "") + s.init();
        }
        ModelConfig m = s.model();
        String shape = m instanceof TransformerConfig t
                ? String.format(Locale.ROOT, "transformer %dL/%dH/%dA/FFN%d", t.layers(), t.hidden(), t.heads(), t.ffn())
                : String.format(Locale.ROOT, "%s hidden %d, %s %d", m.type().name().toLowerCase(Locale.ROOT), m.hidden(),
                        m instanceof BiLstmConfig ? "LSTM units" : "filters", m.flat().ffn())
                        + (m instanceof BiLstmConfig b ? b.depthNote() : "");
        return shape + (s.embeddings().isEmpty() ? "" : ", embeddings projected from " + s.embeddings()
                + (s.embeddingsFrom() == org.kd4j.config.EmbeddingsFrom.ENCODED ? " (its output for each token alone)" : ""))
                + (s.dropout() > 0 ? String.format(Locale.ROOT, ", dropout %.2f on its input", s.dropout()) : "");
    }

    private String task(GlueTask task) {
        ExperimentConfig config = taskConfigs.get(task);
        Metric metric = Metric.mainFor(task);
        int examples = results.entrySet().stream().filter(e -> e.getKey().task() == task)
                .mapToInt(e -> e.getValue().devExamples()).findFirst().orElse(0);
        var data = config.data();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "### %s: %s on dev%s%n%n", task, metric.key(),
                examples == 0 ? "" : String.format(Locale.ROOT, " (%,d examples)", examples)));
        sb.append(String.format(Locale.ROOT, "Training rows: %s; max length %d; teachers: %s.%s%n%n",
                data.trainLimit() == 0 ? "all" : String.format(Locale.ROOT, "a seeded subset of %,d (data.train_limit)", data.trainLimit()),
                data.maxLength(), teachers(task).isEmpty() ? "none (cross-entropy cells only)"
                        : teachers(task).stream().map(TeacherConfig::name).collect(Collectors.joining(", ")),
                data.unlabeledTrain() == 0 ? "" : String.format(Locale.ROOT, " Distilled students also see %,d further"
                        + " training rows labeled by the teachers (data.unlabeled_train).", data.unlabeledTrain())));
        List<String> header = new ArrayList<>(List.of("cell"));
        plan.students().forEach(s -> header.add(s.name()));
        MarkdownTable table = new MarkdownTable(header.toArray(new String[0]));
        for (Cell cell : cells(task)) {
            List<Object> row = new ArrayList<>(List.of(cell.label()));
            for (QualityPlan.StudentPlan s : plan.students()) {
                row.add(summary(task, s.name(), cell).map(x -> x.format(plan.seeds().size())).orElse("-"));
            }
            table.row(row.toArray());
        }
        sb.append(table).append('\n');
        List<String> standIns = plan.cells().contains(CellKind.ENSEMBLE) ? plan.weightings().stream()
                .filter(w -> plan.ranAs(task, w) != w).map(w -> Cell.ensemble(w).weightingName()).toList() : List.of();
        if (!standIns.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "No %s cells: with one output (regression) that weighting gives every teacher"
                    + " the same weight, so its student would be the uniform cell's again; the goals below read the uniform"
                    + " cells for it.%n%n", String.join(", ", standIns)));
        }

        if (teachers(task).isEmpty()) {
            return sb.toString();
        }
        MarkdownTable own = new MarkdownTable("teacher / ensemble", "dev " + metric.key(), "fine-tuning");
        for (TeacherConfig t : teachers(task)) {
            OptionalDouble score = teacher(task, t.name());
            own.row("teacher " + t.name(), score.isPresent() ? Summary.points(score.getAsDouble()) : "-",
                    teacherSeconds(task, t.name()).map(Durations::compact).orElse("-"));
        }
        if (plan.cells().contains(CellKind.ENSEMBLE)) {
            for (WeightingScheme w : plan.weightings()) {
                OptionalDouble score = ensemble(task, w);
                own.row("ensemble (" + Cell.ensemble(w).weightingName() + ")",
                        score.isPresent() ? Summary.points(score.getAsDouble()) : "-", "-");
            }
        }
        sb.append("The teachers' and the ensemble's own scores on the same dev set (teachers are trained once per task; at"
                + " prediction time there are no gold labels, so teacher_loss weighting falls back to confidence"
                + (task.isRegression() ? ", which with one output gives every teacher the same weight" : "") + "):\n\n");
        sb.append(own).append('\n');
        return sb.toString();
    }

    /** A teacher of the plan's: its fine-tuning time, from its provenance file, as any finished cell of the task's table names it. */
    Optional<Double> teacherSeconds(GlueTask task, String name) {
        return planCells(task).map(r -> r.teacherTrainSeconds().get(name)).filter(s -> s != null && s > 0).findFirst();
    }

    /**
     * How long the task's teachers took to score the data once (the teachers' preparation less the fine-tuning done in
     * it), as recorded by the benchmark; empty when not recorded for the teachers the finished cells used.
     */
    private Optional<Double> scoringSeconds(GlueTask task) {
        Path here = QualityBenchmark.teachersFile(plan, task);
        Optional<Path> file = Files.isRegularFile(here) ? Optional.of(here)
                : QualityBenchmark.ledgerTeachersFile(plan, task).filter(Files::isRegularFile);
        // model files by name (the teacher cache's key), as the results ledger keeps them
        Map<String, String> used = planCells(task).flatMap(r -> r.teacherModelFiles().entrySet().stream())
                .collect(Collectors.toMap(Map.Entry::getKey, e -> LedgerEntry.modelName(e.getValue()), (a, b) -> a,
                        LinkedHashMap::new));
        if (file.isEmpty() || used.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode node = new ObjectMapper().readTree(file.get().toFile());
            double seconds = node.path("seconds").asDouble();
            Map<String, String> prepared = new LinkedHashMap<>();
            for (JsonNode t : node.path("teachers")) {
                prepared.put(t.path("name").asText(), LedgerEntry.modelName(t.path("model_file").asText()));
                if (t.path("trained_here").asBoolean()) {
                    seconds -= t.path("train_seconds").asDouble();
                }
            }
            return prepared.equals(used) ? Optional.of(Math.max(0, seconds)) : Optional.empty();
        } catch (IOException e) {
            LOG.warn("{}: unreadable ({}); the teachers' scoring time is not reported", file.get(), e.getMessage());
            return Optional.empty();
        }
    }

    private String timeTable() {
        StringBuilder sb = new StringBuilder("### Time\n\nWall time of each part on this machine: each teacher's fine-tuning"
                + " (from its provenance file next to the cached model); the teachers scoring the training and dev sets once"
                + " (recorded by the benchmark when it prepared them); each student's cells (the sum of their runs, from each"
                + " cell's " + CellRecord.FILE + ").\n\n");
        MarkdownTable table = new MarkdownTable("task", "part", "cells done", "time");
        double total = 0;
        for (QualityPlan.TaskPlan t : plan.tasks()) {
            GlueTask task = t.task();
            double taskTotal = 0;
            for (TeacherConfig teacher : teachers(task)) {
                Optional<Double> seconds = teacherSeconds(task, teacher.name());
                table.row(task, "teacher " + teacher.name() + " fine-tuning", "-", seconds.map(Durations::compact).orElse("-"));
                taskTotal += seconds.orElse(0.0);
            }
            if (!teachers(task).isEmpty()) {
                Optional<Double> scoring = scoringSeconds(task);
                table.row(task, "teachers scoring the data once", "-", scoring.map(Durations::compact).orElse("-"));
                taskTotal += scoring.orElse(0.0);
            }
            boolean methods = !plan.methods().isEmpty();
            for (QualityPlan.StudentPlan s : plan.students()) {
                taskTotal += timeRow(table, task, s.name(), c -> c.kind() != CellKind.METHOD,
                        "student " + s.name() + (methods ? ", all its cells but the methods'" : ", all its cells"));
                for (Cell m : plan.methodCells(task, s.name())) {
                    taskTotal += timeRow(table, task, s.name(), m::equals, "student " + s.name() + ", method " + m.method());
                }
            }
            Set<Path> timed = new HashSet<>();
            for (QualityPlan.MethodPlan m : plan.methods()) {
                for (Path file : augmentedFiles(task, m)) {
                    if (!timed.add(file)) {
                        continue;   // an earlier method's set, made (and timed) once
                    }
                    Optional<AugmentedTransferSet> set = QualityBenchmark.augmentedRecord(plan, task, file);
                    table.row(task, "augmented transfer set of method " + m.name() + " (" + file.getFileName() + ")", "-",
                            set.map(x -> Durations.compact(x.seconds())).orElse("-"));
                    taskTotal += set.map(AugmentedTransferSet::seconds).orElse(0.0);
                }
            }
            table.row(task, "task total", "", Durations.compact(taskTotal));
            total += taskTotal;
        }
        table.row("all", "total", cellsDone() + " of " + cellsPlanned(), Durations.compact(total));
        return sb.append(table).toString();
    }

    /** Adds the row of a student's cells that {@code which} accepts; returns their time. */
    private double timeRow(MarkdownTable table, GlueTask task, String student, java.util.function.Predicate<Cell> which,
                           String label) {
        double seconds = results.entrySet().stream().filter(e -> e.getKey().task() == task && e.getKey().student().equals(student)
                        && which.test(e.getKey().cell())).mapToDouble(e -> e.getValue().seconds()).sum();
        long done = results.keySet().stream().filter(c -> c.task() == task && c.student().equals(student) && which.test(c.cell())).count();
        long planned = cells.stream().filter(c -> c.task() == task && c.student().equals(student) && which.test(c.cell())).count();
        table.row(task, label, done + " of " + planned, done == 0 ? "-" : Durations.compact(seconds));
        return seconds;
    }

    /** The distinct augmented transfer sets a method's cells of a task read (one unless students change the data). */
    List<Path> augmentedFiles(GlueTask task, QualityPlan.MethodPlan method) {
        if (method.augment() == null) {
            return List.of();
        }
        return plan.students().stream().filter(s -> method.appliesTo(task, s.name()))
                .map(s -> Path.of(methodConfig(task, s.name(), method.name()).data().transferFile())).distinct().toList();
    }


}
