package org.kd4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.distill.train.Progress;
import org.kd4j.eval.MarkdownTable;
import org.kd4j.eval.Metric;
import org.kd4j.quality.CellRecord;
import org.kd4j.quality.QualityBenchmark;
import org.kd4j.quality.QualityCell;
import org.kd4j.quality.QualityPlan;
import org.kd4j.quality.QualityReport;
import org.kd4j.quality.ReportFile;
import org.kd4j.quality.TimeLeft;
import org.kd4j.util.NativeGarbage;
import org.kd4j.util.Parallelism;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench quality}: the quality benchmark of a plan ({@code hparams/quality/}): every (task, student, cell, seed) as
 * a distillation run in this JVM, finished cells skipped, then the report over all finished cells.
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "The quality benchmark: runs the plan's cells that are not finished (resumable: run it again to"
                + " continue), then prints the report over every finished cell, or writes it into a Markdown file between"
                + " <!-- quality:begin --> and <!-- quality:end -->.")
final class QualityBenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin ThreadsOption threadsOption;

    @Option(names = "--plan", required = true, paramLabel = "<file.yaml>", description = "The plan, e.g. hparams/quality/glue5.yaml.")
    Path plan;

    @Option(names = "--tasks", split = ",", paramLabel = "<task>", description = "Only these tasks of the plan (e.g. SST-2,MRPC).")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--students", split = ",", paramLabel = "<name>", description = "Only these students of the plan.")
    List<String> students = new ArrayList<>();

    @Option(names = "--seeds", split = ",", paramLabel = "<n>", description = "Only these seeds of the plan.")
    List<Long> seeds = new ArrayList<>();

    @Option(names = "--methods", split = ",", paramLabel = "<name>", description = "Only these methods of the plan, with"
            + " their controls and their baseline cells (ensemble-<method_weighting>); default: every cell and every method.")
    List<String> methods = new ArrayList<>();

    @Option(names = "--no-methods", description = "Only the plan's own cells, none of its methods'.")
    boolean noMethods;

    @Option(names = "--report-only", description = "Run nothing: write (with --report) or print the report over the finished"
            + " cells.")
    boolean reportOnly;

    @Option(names = "--report", paramLabel = "<file.md>", description = "Write the report into this file between its markers"
            + " (rewritten after every cell), keeping the rest; default: print it.")
    Path report;

    @Option(names = "--dry-run", description = "List the selected cells and which are done, and estimate the time the others need; run nothing.")
    boolean dryRun;

    @Option(names = "--keep-going", description = "After a failed cell, go on with the next (exit 1 at the end).")
    boolean keepGoing;

    @Option(names = "--no-progress", description = "No progress bar (on a terminal) or progress lines (otherwise).")
    boolean noProgress;

    @Override
    public Integer call() {
        if (dryRun && reportOnly) {
            throw UsageError.of(spec, "--dry-run and --report-only: expected one of them, found both");
        }
        if (noMethods && !methods.isEmpty()) {
            throw UsageError.of(spec, "--methods and --no-methods: expected one of them, found both");
        }
        QualityPlan loaded = QualityPlan.load(plan);
        List<GlueTask> selectedTasks = new ArrayList<>();
        for (String t : tasks) {
            try {
                selectedTasks.add(GlueTask.parse(t));
            } catch (KdException e) {
                throw new KdException("--tasks: " + e.getMessage(), e);
            }
        }
        String source = plan.toString();
        QualityBenchmark benchmark = new QualityBenchmark(loaded, source,
                new QualityBenchmark.Selection(selectedTasks, students, seeds, methods, noMethods));
        PrintWriter out = spec.commandLine().getOut();
        if (reportOnly) {
            int recorded = QualityBenchmark.recordInLedger(loaded, QualityBenchmark.allCells(loaded, source));
            QualityReport finished = QualityReport.read(loaded, source);
            String markdown = finished.markdown(reportCommand());
            if (report != null) {
                ReportFile.write(report, markdown);
            } else {
                out.print(markdown);
            }
            out.printf(Locale.ROOT, "quality report: %d of %d cell(s) done, nothing run%s%s%n", finished.cellsDone(),
                    finished.cellsPlanned(), recorded == 0 ? "" : "; " + recorded + " finished cell(s) recorded in the results"
                            + " ledger " + loaded.ledgerDir(), report == null ? "" : "; report written to " + report);
            out.flush();
            return Main.EXIT_OK;
        }
        if (dryRun) {
            out.print(dryRunTable(benchmark.cells()));
            out.println(TimeLeft.of(benchmark.cells(), QualityBenchmark.allCells(loaded, source)).describe());
            out.flush();
            return Main.EXIT_OK;
        }
        Parallelism parallelism = threadsOption.apply(Parallelism.defaults());
        NativeGarbage.applyMmapThreshold(); // -Dkd4j.mmapThreshold, as in distill and sweep
        String command = command();
        QualityBenchmark.Outcome outcome = benchmark.run(command, keepGoing, parallelism,
                noProgress ? Progress.off() : Progress.forConsole(), cell -> {
                    if (report != null) {
                        ReportFile.write(report, QualityReport.read(loaded, source).markdown(reportCommand()));
                    }
                });
        String markdown = QualityReport.read(loaded, source).markdown(reportCommand());
        if (report != null) {
            ReportFile.write(report, markdown);
        } else {
            out.print(markdown);
        }
        out.printf(Locale.ROOT, "quality benchmark: %d cell(s) run, %d already done%s%s%n", outcome.ran().size(),
                outcome.skipped().size(), outcome.failures().isEmpty() ? "" : ", " + outcome.failures().size() + " failed",
                report == null ? "" : "; report written to " + report);
        outcome.failures().forEach(f -> out.println("failed: " + f.cell().key() + ": " + f.message()));
        out.flush();
        return outcome.failures().isEmpty() ? Main.EXIT_OK : Main.EXIT_INPUT;
    }

    private static String dryRunTable(List<QualityCell> cells) {
        MarkdownTable table = new MarkdownTable("task", "student", "cell", "seed", "status", "run directory");
        int done = 0;
        for (QualityCell c : cells) {
            QualityCell.Status status = c.status();
            String label = status.label();
            if (status == QualityCell.Status.DONE) {
                done++;
                label += c.finishedHere()
                        ? CellRecord.read(c.dir()).map(r -> String.format(Locale.ROOT, " (%.1f s)", r.seconds())).orElse("")
                        : String.format(Locale.ROOT, " (%.1f s; in the results ledger)", c.result(Metric.mainFor(c.task())).seconds());
            }
            table.row(c.task(), c.student(), c.cell().id(), c.seed(), label, c.dir());
        }
        return table + String.format(Locale.ROOT, "%d cell(s): %d done, %d to run%n", cells.size(), done, cells.size() - done);
    }

    /** The command as recorded in each cell's provenance. */
    private String command() {
        StringBuilder sb = new StringBuilder("bench quality --plan " + plan);
        if (!tasks.isEmpty()) {
            sb.append(" --tasks ").append(String.join(",", tasks));
        }
        if (!students.isEmpty()) {
            sb.append(" --students ").append(String.join(",", students));
        }
        if (!seeds.isEmpty()) {
            sb.append(" --seeds ").append(seeds.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse(""));
        }
        if (!methods.isEmpty()) {
            sb.append(" --methods ").append(String.join(",", methods));
        }
        if (noMethods) {
            sb.append(" --no-methods");
        }
        return sb.toString();
    }

    /** The command that regenerates the report: the whole plan, no selection (with --report-only, nothing runs). */
    private String reportCommand() {
        return "bench quality --plan " + plan + (reportOnly ? " --report-only" : "") + (report == null ? "" : " --report " + report);
    }
}
