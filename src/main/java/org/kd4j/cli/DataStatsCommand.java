package org.kd4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.SplitSpec;
import org.kd4j.data.stats.SplitStatistics;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.eval.MarkdownTable;
import org.kd4j.eval.Metric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code data stats}: rows (against the published split sizes), label distribution and token-length
 * percentiles of a task's splits. Exits 1 when a split's row count differs from the published one.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Rows (vs. the published count), label distribution and token-length percentiles of a task.")
final class DataStatsCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin ConfigOptions configOptions;

    @Option(names = "--task", paramLabel = "<task>",
            description = "Task name (SST-2, CoLA, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI, BoolQ, CB, "
                    + "SuperGLUE-RTE, WiC), or 'all' for every task found under the data directory.")
    String task;

    @Option(names = "--split", description = "One split (default: every split file present).")
    String split;

    @Option(names = "--data-dir", description = "Folder holding glue/<TASK>/ and superglue/<TASK>/ (config data.dir).")
    Path dataDir;

    @Option(names = "--vocab", description = "Tokenizer: bert-base-uncased, bert-base-cased, or a vocab/tokenizer path.")
    String vocab;

    @Option(names = "--max-length", description = "Length reported as the truncation point (config data.max_length).")
    Integer maxLength;

    @Option(names = "--on-bad-row", description = "fail (default) or skip malformed rows, reporting the count.")
    String onBadRow;

    @Override
    public Integer call() {
        boolean all = "all".equalsIgnoreCase(task);
        List<String> overrides = new ArrayList<>();
        if (task != null && !all) {
            overrides.add("task=" + GlueTask.parse(task).displayName());
        }
        if (dataDir != null) {
            overrides.add("data.dir=" + dataDir);
        }
        if (vocab != null) {
            overrides.add("tokenizer.vocab=" + vocab);
        }
        if (maxLength != null) {
            overrides.add("data.max_length=" + maxLength);
        }
        if (onBadRow != null) {
            overrides.add("data.on_bad_row=" + onBadRow);
        }
        if (task == null && configOptions.config == null) {
            throw UsageError.of(spec, "--task is required (or --config with a preset that names the task)");
        }
        ExperimentConfig config = configOptions.load(overrides);
        BertTokenizer tokenizer = BertTokenizer.load(config.tokenizer().vocab());
        Path dir = Path.of(config.data().dir());
        PrintWriter out = spec.commandLine().getOut();

        List<GlueTask> tasks = all ? List.of(GlueTask.values()) : List.of(config.task());
        int mismatches = 0;
        int shown = 0;
        for (GlueTask t : tasks) {
            List<SplitSpec> splits = splitsToShow(t, dir, all);
            if (splits.isEmpty()) {
                if (!all) {
                    throw new KdException("no files of task " + t + " under " + dir.resolve(t.folder())
                            + "; download them with datasets/fetch-glue.sh or pass --data-dir");
                }
                continue;
            }
            List<SplitStatistics> stats = new ArrayList<>();
            for (SplitSpec s : splits) {
                GlueDataset data = GlueDataset.load(GlueDataset.fileOf(dir, t, s), t, s, config.data().onBadRow());
                stats.add(SplitStatistics.of(data, tokenizer, config.data().maxLength()));
            }
            mismatches += (int) stats.stream().filter(s -> !s.matchesPublished()).count();
            print(out, t, dir, tokenizer, config.data().maxLength(), stats);
            shown++;
        }
        if (shown == 0) {
            throw new KdException("no task files found under " + dir);
        }
        out.flush();
        if (mismatches > 0) {
            spec.commandLine().getErr().println("error: " + mismatches
                    + " split(s) differ from the published row count (marked 'no' above)");
            return Main.EXIT_INPUT;
        }
        return Main.EXIT_OK;
    }

    private List<SplitSpec> splitsToShow(GlueTask t, Path dir, boolean all) {
        if (split != null) {
            return List.of(t.split(split));
        }
        return t.splits().stream().filter(s -> Files.isRegularFile(GlueDataset.fileOf(dir, t, s))).toList();
    }

    private static void print(PrintWriter out, GlueTask t, Path dir, BertTokenizer tokenizer, int maxLength,
                              List<SplitStatistics> stats) {
        String shape = (t.isPair() ? "sentence pair" : "single sentence") + ", "
                + (t.isRegression() ? "regression 0..5" : t.labels().size() + " classes");
        out.printf("## %s (%s, %s; main metric %s)%n%n", t, t.benchmark().name(), shape, Metric.mainFor(t).key());
        out.printf("data %s, tokenizer %s, max_length %d%n%n", dir.resolve(t.folder()), tokenizer.describe(), maxLength);
        String percentileHeader = "tokens p50/p90/p95/p99/max";
        MarkdownTable table = new MarkdownTable("split", "rows", "published", "match", "skipped",
                t.isRegression() ? "score mean ± std" : "labels", percentileHeader, "> max_length");
        for (SplitStatistics s : stats) {
            int[] p = s.lengthPercentiles();
            table.row(s.data().split().name(), String.format(Locale.ROOT, "%,d", s.rows()),
                    String.format(Locale.ROOT, "%,d", s.publishedRows()), s.matchesPublished() ? "yes" : "no",
                    s.skipped(), labels(t, s),
                    p[0] + "/" + p[1] + "/" + p[2] + "/" + p[3] + "/" + s.maxTokens(),
                    String.format(Locale.ROOT, "%,d (%.1f%%)", s.overMaxLength(), 100.0 * s.overMaxLength() / Math.max(1, s.rows())));
        }
        out.println(table);
    }

    private static String labels(GlueTask t, SplitStatistics s) {
        if (!s.data().split().labeled()) {
            return "(unlabeled)";
        }
        if (t.isRegression()) {
            return String.format(Locale.ROOT, "%.2f ± %.2f", s.scoreMean(), s.scoreStd());
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.labelCounts().length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(t.labels().get(i)).append(": ").append(String.format(Locale.ROOT, "%,d (%.1f%%)",
                    s.labelCounts()[i], 100.0 * s.labelCounts()[i] / Math.max(1, s.rows())));
        }
        return sb.toString();
    }
}
