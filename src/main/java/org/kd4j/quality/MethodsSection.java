package org.kd4j.quality;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.TeacherConfig;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.eval.MarkdownTable;
import org.kd4j.model.BiLstmConfig;

/**
 * The report's methods section (issue 12): per task and student, the baseline (the plan's ensemble cell of its
 * {@code method_weighting}, the same runs as in the task's table) and each method's cell, with the method's gain over
 * the baseline and a verdict; then the goal for the BiLSTM student with the augmented transfer set.
 *
 * <p>The gain is the mean over the seeds done in both cells of the per-seed difference (method minus baseline, in
 * points); the spread is the sample standard deviation of those differences. Both cells share the seeds (the student's
 * initialisation and batch order), so the differences are paired and seed-to-seed variation common to both cancels. A
 * gain whose magnitude is not larger than the spread is reported as {@link Verdict#NONE}; with fewer than 2 paired seeds
 * there is no spread and the verdict is {@link Verdict#NOT_YET_MEASURED}.
 */
final class MethodsSection {

    /** The goal: the BiLSTM with the augmented transfer set within this many points of the ensemble on SST-2. */
    static final double BILSTM_GOAL_POINTS = 3.0;

    /** What a method's gain amounts to. */
    enum Verdict {
        GAIN("gain"), LOSS("loss"), NONE("none"), NOT_YET_MEASURED("not yet measured");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /**
     * A method's paired comparison with its baseline.
     *
     * @param gain mean of the per-seed differences, points
     * @param spread sample standard deviation of the per-seed differences, points (NaN for fewer than 2)
     * @param paired seeds done in both cells
     */
    record Comparison(double gain, double spread, int paired) {

        static Optional<Comparison> of(Map<Long, Double> baseline, Map<Long, Double> method) {
            List<Double> differences = new ArrayList<>();
            method.forEach((seed, value) -> {
                if (baseline.containsKey(seed)) {
                    differences.add(value - baseline.get(seed));
                }
            });
            if (differences.isEmpty()) {
                return Optional.empty();
            }
            int n = differences.size();
            double mean = differences.stream().mapToDouble(Double::doubleValue).sum() / n;
            double squares = differences.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum();
            return Optional.of(new Comparison(mean, n < 2 ? Double.NaN : Math.sqrt(squares / (n - 1)), n));
        }

        Verdict verdict() {
            if (paired < 2) {
                return Verdict.NOT_YET_MEASURED;
            }
            if (Math.abs(gain) <= spread) {
                return Verdict.NONE;
            }
            return gain > 0 ? Verdict.GAIN : Verdict.LOSS;
        }
    }

    private final QualityReport report;
    private final QualityPlan plan;

    MethodsSection(QualityReport report) {
        this.report = report;
        this.plan = report.plan();
    }

    String markdown() {
        Cell baseline = plan.methodBaseline().orElseThrow();
        int planned = plan.seeds().size();
        StringBuilder sb = new StringBuilder("### Methods (issue 12)\n\n");
        sb.append(String.format(Locale.ROOT, "Each method is the ensemble cell (%s) with the method on, with the same seeds."
                + " Its baseline is that ensemble cell of the task's table above (the same runs, not run again). Score: mean ±"
                + " sample standard deviation over the seeds done, points. Gain: the mean over the seeds done in both cells of"
                + " the per-seed difference, method minus baseline, points; spread: the sample standard deviation of those"
                + " paired differences. A gain whose magnitude is not larger than its spread is reported as none; fewer than"
                + " 2 paired seeds: not yet measured.%n%n", baseline.weightingName()));
        MarkdownTable methods = new MarkdownTable("method", "what", "tasks", "students");
        for (QualityPlan.MethodPlan m : plan.methods()) {
            methods.row(m.name(), m.description().isEmpty() ? "-" : m.description(),
                    m.tasks().isEmpty() ? "all" : m.tasks().stream().map(GlueTask::displayName).collect(Collectors.joining(", ")),
                    m.students().isEmpty() ? "all" : String.join(", ", m.students()));
        }
        sb.append(methods).append('\n');
        for (QualityPlan.TaskPlan t : plan.tasks()) {
            GlueTask task = t.task();
            boolean any = plan.students().stream().anyMatch(s -> !plan.methodCells(task, s.name()).isEmpty());
            if (!any) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "#### %s: %s on dev%n%n", task, org.kd4j.eval.Metric.mainFor(task).key()));
            MarkdownTable table = new MarkdownTable("student", "cell", "score", "gain", "spread", "paired seeds", "verdict");
            for (QualityPlan.StudentPlan s : plan.students()) {
                List<Cell> cells = plan.methodCells(task, s.name());
                if (cells.isEmpty()) {
                    continue;
                }
                Map<Long, Double> base = report.perSeed(task, s.name(), baseline);
                table.row(s.name(), "baseline: " + baseline.label(), format(base, planned), "", "", "", "");
                for (Cell cell : cells) {
                    Map<Long, Double> values = report.perSeed(task, s.name(), cell);
                    comparisonRow(table, s.name(), cell.method(), format(values, planned), Comparison.of(base, values));
                    String control = plan.method(cell.method()).control();
                    if (control != null) {
                        Map<Long, Double> controls = report.perSeed(task, s.name(), Cell.method(control, baseline.weighting()));
                        comparisonRow(table, s.name(), cell.method() + " vs its control " + control, "",
                                Comparison.of(controls, values));
                    }
                }
            }
            sb.append(table).append('\n');
            sb.append(ownTeachers(task));
            sb.append(transferSets(task));
        }
        sb.append(bilstmGoal());
        return sb.toString();
    }

    private static void comparisonRow(MarkdownTable table, String student, String label, String score, Optional<Comparison> c) {
        table.row(student, label, score, c.map(x -> Summary.signed(x.gain())).orElse("-"),
                c.filter(x -> x.paired() >= 2).map(x -> String.format(Locale.ROOT, "%.1f", x.spread())).orElse("-"),
                c.map(x -> Integer.toString(x.paired())).orElse("0"),
                c.map(Comparison::verdict).orElse(Verdict.NOT_YET_MEASURED).label());
    }

    /**
     * The teachers of the methods that bring their own (other teacher settings, or co-finetuning), next to the plan's:
     * each teacher's own dev score, how it was fine-tuned and how long that took, and their ensemble's own score, read
     * from the method's finished cells (its first cell fine-tuned them, so that cell's time includes it). Empty when no
     * method of the task changes the teachers.
     */
    private String ownTeachers(GlueTask task) {
        Cell baseline = plan.methodBaseline().orElseThrow();
        ExperimentConfig base = report.taskConfig(task);
        Map<String, ExperimentConfig> own = new java.util.LinkedHashMap<>();   // method name -> its cells' configuration
        for (QualityPlan.MethodPlan m : plan.methods()) {
            plan.students().stream().filter(s -> m.appliesTo(task, s.name())).findFirst()
                    .map(s -> report.methodConfig(task, s.name(), m.name()))
                    .filter(c -> !c.teachers().equals(base.teachers()) || !java.util.Objects.equals(c.teacherStage(), base.teacherStage()))
                    .ifPresent(c -> own.put(m.name(), c));
        }
        if (own.isEmpty()) {
            return "";
        }
        String metric = org.kd4j.eval.Metric.mainFor(task).key();
        MarkdownTable table = new MarkdownTable("teachers of", "teacher", "pooling", "fine-tuned", "dev " + metric, "fine-tuning");
        for (TeacherConfig t : base.teachers()) {
            table.row("the plan (baseline)", t.name(), pooling(t), training(base, t),
                    points(report.teacher(task, t.name())), report.teacherSeconds(task, t.name()).map(org.kd4j.util.Durations::compact).orElse("-"));
        }
        table.row("the plan (baseline)", "ensemble " + baseline.weightingName(), "", "",
                points(report.ensemble(task, baseline.weighting())), "");
        own.forEach((method, c) -> {
            Optional<CellResult> result = report.methodResult(task, method);
            for (TeacherConfig t : c.teachers()) {
                Optional<Double> seconds = result.map(r -> r.teacherTrainSeconds().get(t.name())).filter(x -> x > 0);
                String time = seconds.map(org.kd4j.util.Durations::compact).orElse("-");
                table.row("method " + method, t.name(), pooling(t), training(c, t),
                        fraction(result.map(r -> r.teachers().get(t.name()))),
                        c.teacherStage().cofinetuned() && seconds.isPresent() ? time + " (the joint run)" : time);
            }
            table.row("method " + method, "ensemble " + baseline.weightingName(), "", "", fraction(result.flatMap(CellResult::ensemble)), "");
        });
        return String.format(Locale.ROOT, "The teachers of the methods that bring their own, beside the plan's (their own"
                + " scores on the same dev set; a method's teachers are fine-tuned by its first cell, whose time includes"
                + " it):%n%n") + table + "\n";
    }

    private static String pooling(TeacherConfig t) {
        return t.pooling() == null || t.pooling().isEmpty() ? "-" : t.pooling();
    }

    private static String training(ExperimentConfig config, TeacherConfig t) {
        if (!config.teacherStage().cofinetuned()) {
            return "apart";
        }
        return "co-finetuned with " + config.teachers().stream().map(TeacherConfig::name).filter(n -> !n.equals(t.name()))
                .collect(Collectors.joining(", "));
    }

    private static String points(OptionalDouble value) {
        return value.isPresent() ? Summary.points(value.getAsDouble()) : "-";
    }

    /** A metric given as a fraction (as the cells store it), in points; "-" when absent. */
    private static String fraction(Optional<Double> value) {
        return value.map(v -> Summary.points(100 * v)).orElse("-");
    }

    private static String format(Map<Long, Double> values, int planned) {
        return values.isEmpty() ? "-" : Summary.ofMetric(values.values().stream().map(v -> v / 100).toList()).format(planned);
    }

    /**
     * One line per augmented transfer set of the task: where, how big, from which rows, how long it took; a method whose
     * set is an earlier method's (the same rows and settings, so the same file) says so instead.
     */
    private String transferSets(GlueTask task) {
        StringBuilder sb = new StringBuilder();
        Map<Path, String> madeFor = new HashMap<>();
        for (QualityPlan.MethodPlan m : plan.methods()) {
            for (Path file : report.augmentedFiles(task, m)) {
                String first = madeFor.putIfAbsent(file, m.name());
                if (first != null) {
                    sb.append(String.format(Locale.ROOT, "Method %s reads method %s's transfer set `%s`.%n%n", m.name(),
                            first, file.getFileName()));
                    continue;
                }
                Optional<AugmentedTransferSet> set = QualityBenchmark.augmentedRecord(plan, task, file);
                var settings = m.augment().settings();
                sb.append(set.map(x -> String.format(Locale.ROOT, "Method %s's transfer set `%s`: %,d lines (%,d bytes) from"
                                + " %s x %d draws (seed %d), %,d dropped as equal to their original, %,d as"
                                + " repeats, %,d as dev examples; made in %s.%n%n", m.name(), file.getFileName(), x.lines(),
                                x.bytes(), x.unlabeledRows() == 0 ? String.format(Locale.ROOT, "%,d training rows", x.trainRows())
                                        : String.format(Locale.ROOT, "%,d training rows and %,d unlabeled ones", x.trainRows(),
                                        x.unlabeledRows()), settings.factor(), settings.seed(), x.droppedIdentical(),
                                x.droppedRepeated(), x.droppedDev(), org.kd4j.util.Durations.compact(x.seconds())))
                        .orElse(String.format(Locale.ROOT, "Method %s's transfer set `%s` (factor %d, seed %d): not made"
                                + " yet.%n%n", m.name(), file.getFileName(), settings.factor(), settings.seed())));
            }
        }
        return sb.toString();
    }

    /** The goal: the BiLSTM with the augmented transfer set within 3 points of the ensemble on SST-2. */
    private String bilstmGoal() {
        Cell baseline = plan.methodBaseline().orElseThrow();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Goal (issue 12): the BiLSTM student with the"
                + " augmented transfer set within %.0f points of the ensemble (%s) on SST-2. Cells: student minus the"
                + " ensemble's own dev score, points; judged once every seed is done.%n%n", BILSTM_GOAL_POINTS,
                baseline.weightingName()));
        List<String[]> rows = new ArrayList<>();
        boolean sst2 = plan.tasks().stream().anyMatch(t -> t.task() == GlueTask.SST2);
        if (sst2) {
            OptionalDouble ensemble = report.ensemble(GlueTask.SST2, baseline.weighting());
            for (QualityPlan.StudentPlan s : plan.students()) {
                if (!(report.student(s.name()).model() instanceof BiLstmConfig) || report.student(s.name()).imported()) {
                    continue;
                }
                for (QualityPlan.MethodPlan m : plan.methods()) {
                    if (m.augment() == null || !m.appliesTo(GlueTask.SST2, s.name())) {
                        continue;
                    }
                    Map<Long, Double> values = report.perSeed(GlueTask.SST2, s.name(), Cell.method(m.name(), baseline.weighting()));
                    if (values.isEmpty() || ensemble.isEmpty()) {
                        rows.add(new String[] {s.name(), m.name(), "-", Goals.Status.NOT_YET_MEASURED.label()});
                        continue;
                    }
                    double mean = values.values().stream().mapToDouble(Double::doubleValue).sum() / values.size();
                    double margin = mean - ensemble.getAsDouble();
                    String status = Goals.Status.of(values.size(), plan.seeds().size(),
                            () -> Summary.atLeast(margin, -BILSTM_GOAL_POINTS) ? Goals.Status.MET : Goals.Status.MISSED);
                    rows.add(new String[] {s.name(), m.name(), Summary.comparison(mean, ensemble.getAsDouble(), -BILSTM_GOAL_POINTS),
                            status});
                }
            }
        }
        if (rows.isEmpty()) {
            return sb.append("Not yet measured: the plan has no BiLSTM student with an augmented-transfer-set method on"
                    + " SST-2.\n").toString();
        }
        MarkdownTable table = new MarkdownTable("student", "method", "SST-2", "goal");
        rows.forEach(r -> table.row((Object[]) r));
        return sb.append(table).toString();
    }
}
