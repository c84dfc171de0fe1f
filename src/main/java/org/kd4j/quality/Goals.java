package org.kd4j.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.config.WeightingScheme;
import org.kd4j.eval.MarkdownTable;

/**
 * The benchmark's goals, judged from the report's numbers (means over the seeds done, in points) for each student and
 * each ensemble weighting:
 * <ol>
 *   <li>the ensemble-distilled student scores at least {@value #GAIN_POINTS} points above the cross-entropy student on
 *       every task;</li>
 *   <li>it scores at least as well as the best single-teacher-distilled student on at least 4 of 5 tasks (of k tasks:
 *       {@code ceil(4k/5)});</li>
 *   <li>a student initialised from a pretrained encoder, distilled from the ensemble, scores at least as well as the best
 *       single teacher on SST-2.</li>
 * </ol>
 * Each is <em>met</em>, <em>missed</em> (no cells still to run could change that), or <em>not yet measured</em>. A
 * comparison counts only once every seed of the cells it compares is done: a mean over fewer seeds is shown, but judges
 * nothing yet.
 */
final class Goals {

    static final double GAIN_POINTS = 1.5;

    /** A goal's state. */
    enum Status {
        MET("met"), MISSED("missed"), NOT_YET_MEASURED("not yet measured");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }

        /**
         * The status of a comparison judged by {@code judged} once {@code done} of {@code planned} seeds are: not yet
         * measured, with the count, while seeds are missing.
         */
        static String of(int done, int planned, java.util.function.Supplier<Status> judged) {
            return done < planned ? NOT_YET_MEASURED.label() + String.format(Locale.ROOT, " (%d of %d seeds)", done, planned)
                    : judged.get().label();
        }
    }

    private final QualityReport report;
    private final QualityPlan plan;

    Goals(QualityReport report) {
        this.report = report;
        this.plan = report.plan();
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("### Goals\n\n");
        if (!plan.cells().contains(CellKind.ENSEMBLE)) {
            return sb.append("Not yet measured: the plan has no ensemble cells.\n").toString();
        }
        List<GlueTask> tasks = plan.tasks().stream().map(QualityPlan.TaskPlan::task).toList();
        sb.append(gainOverCrossEntropy(tasks)).append('\n');
        sb.append(overSingleTeachers(tasks)).append('\n');
        sb.append(initialisedStudent());
        return sb.toString();
    }

    private String gainOverCrossEntropy(List<GlueTask> tasks) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "1. Ensemble distillation >= cross-entropy + %.1f"
                + " points on every task (each weighting, each student). Cells: ensemble minus cross-entropy, points.%n%n", GAIN_POINTS));
        if (!plan.cells().contains(CellKind.CROSS_ENTROPY)) {
            return sb.append("Not yet measured: the plan has no cross-entropy cells.\n").toString();
        }
        MarkdownTable table = new MarkdownTable(header(tasks, "goal"));
        for (QualityPlan.StudentPlan s : plan.students()) {
            for (WeightingScheme w : plan.weightings()) {
                List<Object> row = new ArrayList<>(List.of(s.name(), name(w)));
                boolean missed = false;
                boolean missing = false;
                for (GlueTask task : tasks) {
                    Optional<Summary> ensemble = report.summary(task, s.name(), Cell.ensemble(w));
                    Optional<Summary> ce = report.summary(task, s.name(), Cell.crossEntropy());
                    if (ensemble.isEmpty() || ce.isEmpty()) {
                        missing = true;
                        row.add("-");
                        continue;
                    }
                    double gain = ensemble.get().mean() - ce.get().mean();
                    if (allSeeds(ensemble) && allSeeds(ce)) {
                        missed |= !Summary.atLeast(gain, GAIN_POINTS);
                    } else {
                        missing = true;
                    }
                    row.add(Summary.comparison(ensemble.get().mean(), ce.get().mean(), GAIN_POINTS));
                }
                row.add((missed ? Status.MISSED : missing ? Status.NOT_YET_MEASURED : Status.MET).label());
                table.row(row.toArray());
            }
        }
        return sb.append(table).toString();
    }

    private String overSingleTeachers(List<GlueTask> tasks) {
        int need = (int) Math.ceil(4.0 * tasks.size() / 5);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "2. Ensemble distillation >= the best single-teacher"
                + " distillation on at least 4 of 5 tasks (here %d of %d; each weighting, each student). Cells: ensemble minus"
                + " the best single-teacher cell, points.%n%n", need, tasks.size()));
        if (!plan.cells().contains(CellKind.SINGLE_TEACHER)) {
            return sb.append("Not yet measured: the plan has no single-teacher cells.\n").toString();
        }
        MarkdownTable table = new MarkdownTable(header(tasks, "tasks met", "goal"));
        for (QualityPlan.StudentPlan s : plan.students()) {
            for (WeightingScheme w : plan.weightings()) {
                List<Object> row = new ArrayList<>(List.of(s.name(), name(w)));
                int met = 0;
                int measured = 0;
                for (GlueTask task : tasks) {
                    Optional<Summary> ensemble = report.summary(task, s.name(), Cell.ensemble(w));
                    OptionalDouble best = bestSingleTeacherCell(task, s.name());
                    if (ensemble.isEmpty() || best.isEmpty()) {
                        row.add("-");
                        continue;
                    }
                    double margin = ensemble.get().mean() - best.getAsDouble();
                    if (allSeeds(ensemble) && singleTeachersAllSeeds(task, s.name())) {
                        measured++;
                        met += Summary.atLeast(margin, 0) ? 1 : 0;
                    }
                    row.add(Summary.comparison(ensemble.get().mean(), best.getAsDouble(), 0));
                }
                Status status = met >= need ? Status.MET : met + (tasks.size() - measured) < need ? Status.MISSED : Status.NOT_YET_MEASURED;
                row.add(met + " of " + measured + " measured");
                row.add(status.label());
                table.row(row.toArray());
            }
        }
        return sb.append(table).toString();
    }

    /** Whether every seed of the plan is done in the cell {@code summary} summarises. */
    private boolean allSeeds(Optional<Summary> summary) {
        return summary.isPresent() && summary.get().n() >= plan.seeds().size();
    }

    /** Whether every seed of every single-teacher cell of a task's student is done. */
    private boolean singleTeachersAllSeeds(GlueTask task, String student) {
        return report.teachers(task).stream().allMatch(t -> allSeeds(report.summary(task, student, Cell.singleTeacher(t.name()))));
    }

    /** The best mean among a task's single-teacher cells of a student, only once every one of them has a result. */
    private OptionalDouble bestSingleTeacherCell(GlueTask task, String student) {
        double best = Double.NEGATIVE_INFINITY;
        for (var t : report.teachers(task)) {
            Optional<Summary> s = report.summary(task, student, Cell.singleTeacher(t.name()));
            if (s.isEmpty()) {
                return OptionalDouble.empty();
            }
            best = Math.max(best, s.get().mean());
        }
        return best == Double.NEGATIVE_INFINITY ? OptionalDouble.empty() : OptionalDouble.of(best);
    }

    private String initialisedStudent() {
        StringBuilder sb = new StringBuilder("3. The student initialised from a pretrained encoder, distilled from the ensemble,"
                + " >= the best single teacher on SST-2 (each weighting). Cells: student minus the best teacher's own score,"
                + " points.\n\n");
        boolean sst2 = plan.tasks().stream().anyMatch(t -> t.task() == GlueTask.SST2);
        List<QualityPlan.StudentPlan> initialised = plan.students().stream().filter(s -> isInitialised(s.name())).toList();
        if (!sst2 || initialised.isEmpty()) {
            return sb.append("Not yet measured: ").append(!sst2 ? "SST-2 is not in the plan" : "no student of the plan is"
                    + " initialised from an encoder (student.init)").append(".\n").toString();
        }
        OptionalDouble best = OptionalDouble.empty();
        for (var t : report.teachers(GlueTask.SST2)) {
            OptionalDouble score = report.teacher(GlueTask.SST2, t.name());
            if (score.isEmpty()) {
                best = OptionalDouble.empty();
                break;
            }
            best = OptionalDouble.of(Math.max(best.orElse(Double.NEGATIVE_INFINITY), score.getAsDouble()));
        }
        MarkdownTable table = new MarkdownTable("student", "weighting", "SST-2", "goal");
        for (QualityPlan.StudentPlan s : initialised) {
            for (WeightingScheme w : plan.weightings()) {
                Optional<Summary> student = report.summary(GlueTask.SST2, s.name(), Cell.ensemble(w));
                if (student.isEmpty() || best.isEmpty()) {
                    table.row(s.name(), name(w), "-", Status.NOT_YET_MEASURED.label());
                    continue;
                }
                double margin = student.get().mean() - best.getAsDouble();
                String status = Status.of(student.get().n(), plan.seeds().size(), () -> Summary.atLeast(margin, 0) ? Status.MET : Status.MISSED);
                table.row(s.name(), name(w), Summary.comparison(student.get().mean(), best.getAsDouble(), 0), status);
            }
        }
        return sb.append(table).toString();
    }

    private boolean isInitialised(String student) {
        return report.student(student).imported();
    }

    private static String[] header(List<GlueTask> tasks, String... last) {
        List<String> header = new ArrayList<>(List.of("student", "weighting"));
        tasks.forEach(t -> header.add(t.displayName()));
        header.addAll(List.of(last));
        return header.toArray(new String[0]);
    }

    private static String name(WeightingScheme w) {
        return Cell.ensemble(w).weightingName();
    }
}
