package org.kd4j.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A classifier's confusion matrix on labeled data: {@code counts[g][p]} examples of gold label {@code g} predicted as
 * {@code p} (the arg-max of their logits), with per-label precision and recall.
 *
 * @param labels the label names, in logit order
 * @param counts {@code [C][C]}, rows gold, columns predicted
 */
public record Confusion(List<String> labels, long[][] counts) {

    public Confusion {
        labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
        Objects.requireNonNull(counts, "counts");
        if (counts.length != labels.size()) {
            throw new IllegalArgumentException("counts: expected " + labels.size() + " rows, found " + counts.length);
        }
    }

    /**
     * @param labels label names in logit order
     * @param logits {@code [N][C]}
     * @param gold gold label ids, one per row of {@code logits}
     */
    public static Confusion of(List<String> labels, float[][] logits, int[] gold) {
        if (logits.length != gold.length) {
            throw new IllegalArgumentException("gold labels: expected " + logits.length + ", found " + gold.length);
        }
        int c = labels.size();
        long[][] counts = new long[c][c];
        for (int i = 0; i < logits.length; i++) {
            if (logits[i].length != c) {
                throw new IllegalArgumentException("logits row " + i + ": expected " + c + " classes, found " + logits[i].length);
            }
            if (gold[i] < 0 || gold[i] >= c) {
                throw new IllegalArgumentException("gold label of row " + i + ": expected 0.." + (c - 1) + ", found " + gold[i]);
            }
            counts[gold[i]][Evaluation.argMax(logits[i])]++;
        }
        return new Confusion(labels, counts);
    }

    /** Of the examples predicted as {@code label}, the fraction whose gold label it is; NaN when none was. */
    public double precision(int label) {
        long predicted = 0;
        for (long[] row : counts) {
            predicted += row[label];
        }
        return predicted == 0 ? Double.NaN : (double) counts[label][label] / predicted;
    }

    /** Of the examples whose gold label is {@code label}, the fraction predicted as it; NaN when there were none. */
    public double recall(int label) {
        long gold = 0;
        for (long n : counts[label]) {
            gold += n;
        }
        return gold == 0 ? Double.NaN : (double) counts[label][label] / gold;
    }

    /** Rows gold, columns predicted, then each label's precision and recall. */
    public MarkdownTable table() {
        List<String> header = new ArrayList<>(List.of("gold \\ predicted"));
        labels.forEach(header::add);
        header.add("recall");
        MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
        for (int g = 0; g < labels.size(); g++) {
            List<Object> row = new ArrayList<>(List.of(labels.get(g)));
            for (long n : counts[g]) {
                row.add(n);
            }
            row.add(fraction(recall(g)));
            table.row(row.toArray());
        }
        List<Object> precision = new ArrayList<>(List.of("precision"));
        for (int p = 0; p < labels.size(); p++) {
            precision.add(fraction(precision(p)));
        }
        precision.add("");
        table.row(precision.toArray());
        return table;
    }

    private static String fraction(double v) {
        return Double.isNaN(v) ? "-" : String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
