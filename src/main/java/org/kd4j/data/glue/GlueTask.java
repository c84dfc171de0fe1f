package org.kd4j.data.glue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.kd4j.KdException;

/**
 * The GLUE and SuperGLUE tasks this framework reads, each with its official file layout, label set, split
 * sizes as published. Its metrics are {@link org.kd4j.eval.Metric#forTask}: evaluation depends on the task, never the
 * reverse.
 *
 * <p>Label order follows the Hugging Face {@code glue} / {@code super_glue} datasets, so label ids match
 * models fine-tuned there. WiC's target word is prefixed to the first sentence ({@code "word: sentence1"}).
 */
public enum GlueTask {
    COLA("CoLA", Benchmark.GLUE, List.of("0", "1"),
            new Columns("sentence", null, "label", "index", null),
            List.of("source", "label", "original_mark", "sentence"),
            glue(8551, 1043, 1063)),
    SST2("SST-2", Benchmark.GLUE, List.of("0", "1"),
            new Columns("sentence", null, "label", "index", null), null,
            glue(67349, 872, 1821)),
    MRPC("MRPC", Benchmark.GLUE, List.of("0", "1"),
            new Columns("#1 String", "#2 String", "Quality", "index", null), null,
            glue(3668, 408, 1725)),
    STSB("STS-B", Benchmark.GLUE, List.of(),
            new Columns("sentence1", "sentence2", "score", "index", null), null,
            glue(5749, 1500, 1379)),
    QQP("QQP", Benchmark.GLUE, List.of("0", "1"),
            new Columns("question1", "question2", "is_duplicate", "id", null), null,
            glue(363846, 40430, 390965)),
    MNLI("MNLI", Benchmark.GLUE, List.of("entailment", "neutral", "contradiction"),
            new Columns("sentence1", "sentence2", "gold_label", "index", null), null,
            List.of(new SplitSpec("train", "train.tsv", true, 392702),
                    new SplitSpec("dev_matched", "dev_matched.tsv", true, 9815),
                    new SplitSpec("dev_mismatched", "dev_mismatched.tsv", true, 9832),
                    new SplitSpec("test_matched", "test_matched.tsv", false, 9796),
                    new SplitSpec("test_mismatched", "test_mismatched.tsv", false, 9847))),
    QNLI("QNLI", Benchmark.GLUE, List.of("entailment", "not_entailment"),
            new Columns("question", "sentence", "label", "index", null), null,
            glue(104743, 5463, 5463)),
    RTE("RTE", Benchmark.GLUE, List.of("entailment", "not_entailment"),
            new Columns("sentence1", "sentence2", "label", "index", null), null,
            glue(2490, 277, 3000)),
    WNLI("WNLI", Benchmark.GLUE, List.of("0", "1"),
            new Columns("sentence1", "sentence2", "label", "index", null), null,
            glue(635, 71, 146)),
    BOOLQ("BoolQ", Benchmark.SUPERGLUE, List.of("false", "true"),
            new Columns("question", "passage", "label", "idx", null), null,
            superGlue(9427, 3270, 3245)),
    CB("CB", Benchmark.SUPERGLUE, List.of("entailment", "contradiction", "neutral"),
            new Columns("premise", "hypothesis", "label", "idx", null), null,
            superGlue(250, 56, 250)),
    SUPERGLUE_RTE("SuperGLUE-RTE", Benchmark.SUPERGLUE, List.of("entailment", "not_entailment"),
            new Columns("premise", "hypothesis", "label", "idx", null), null,
            superGlue(2490, 277, 3000)),
    WIC("WiC", Benchmark.SUPERGLUE, List.of("false", "true"),
            new Columns("sentence1", "sentence2", "label", "idx", "word"), null,
            superGlue(5428, 638, 1400));

    /** Inclusive range of STS-B similarity scores. */
    public static final double REGRESSION_MIN = 0.0;
    public static final double REGRESSION_MAX = 5.0;

    private final String displayName;
    private final Benchmark benchmark;
    private final List<String> labels;
    private final Columns columns;
    private final List<String> headerlessColumns;
    private final List<SplitSpec> splits;

    GlueTask(String displayName, Benchmark benchmark, List<String> labels, Columns columns,
             List<String> headerlessColumns, List<SplitSpec> splits) {
        this.displayName = displayName;
        this.benchmark = benchmark;
        this.labels = labels;
        this.columns = columns;
        this.headerlessColumns = headerlessColumns;
        this.splits = splits;
    }

    private static List<SplitSpec> glue(int train, int dev, int test) {
        return List.of(new SplitSpec("train", "train.tsv", true, train),
                new SplitSpec("dev", "dev.tsv", true, dev),
                new SplitSpec("test", "test.tsv", false, test));
    }

    private static List<SplitSpec> superGlue(int train, int val, int test) {
        return List.of(new SplitSpec("train", "train.jsonl", true, train),
                new SplitSpec("val", "val.jsonl", true, val),
                new SplitSpec("test", "test.jsonl", false, test));
    }

    /** The name used in papers and on disk, e.g. {@code SST-2}. */
    public String displayName() {
        return displayName;
    }

    public Benchmark benchmark() {
        return benchmark;
    }

    /** Folder of the task's files under the data directory, e.g. {@code glue/SST-2}. */
    public String folder() {
        String dir = this == SUPERGLUE_RTE ? "RTE" : displayName;
        return benchmark.folder() + "/" + dir;
    }

    /** Label names in id order; empty for the regression task (STS-B). */
    public List<String> labels() {
        return labels;
    }

    public boolean isRegression() {
        return labels.isEmpty();
    }

    /** Number of model outputs: the label count, or 1 for regression. */
    public int numOutputs() {
        return isRegression() ? 1 : labels.size();
    }

    public boolean isPair() {
        return columns.textB() != null;
    }

    public Columns columns() {
        return columns;
    }

    /**
     * Column names of labeled files that have no header line (CoLA's train and dev), or {@code null}
     * when every file of the task starts with a header.
     */
    public List<String> headerlessColumns() {
        return headerlessColumns;
    }

    public List<SplitSpec> splits() {
        return splits;
    }

    /** The split used for model selection: {@code dev}, {@code val} (SuperGLUE) or {@code dev_matched} (MNLI). */
    public SplitSpec devSplit() {
        return split("dev");
    }

    public SplitSpec trainSplit() {
        return split("train");
    }

    /**
     * Looks a split up by name; {@code dev} is accepted for SuperGLUE's {@code val} and MNLI's
     * {@code dev_matched}, {@code test} for MNLI's {@code test_matched}.
     */
    public SplitSpec split(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (SplitSpec s : splits) {
            if (s.name().equals(wanted)) {
                return s;
            }
        }
        String alias = switch (wanted) {
            case "dev", "validation" -> benchmark == Benchmark.SUPERGLUE ? "val" : this == MNLI ? "dev_matched" : null;
            case "test" -> this == MNLI ? "test_matched" : null;
            default -> null;
        };
        if (alias != null) {
            return split(alias);
        }
        throw new KdException("task " + displayName + " has no split '" + name + "'; expected one of "
                + splits.stream().map(SplitSpec::name).collect(Collectors.joining(", ")));
    }

    /** Parses {@code SST-2}, {@code sst2}, {@code SST2}, {@code superglue-rte}, ...; the error lists every task. */
    public static GlueTask parse(String name) {
        String key = normalise(name);
        for (GlueTask t : values()) {
            if (normalise(t.displayName).equals(key) || normalise(t.name()).equals(key)) {
                return t;
            }
        }
        throw new KdException("unknown task '" + name + "'; expected one of " + Arrays.stream(values())
                .map(GlueTask::displayName).collect(Collectors.joining(", ")));
    }

    private static String normalise(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    @Override
    public String toString() {
        return displayName;
    }
}
