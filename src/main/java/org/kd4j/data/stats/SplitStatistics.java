package org.kd4j.data.stats;

import java.util.Arrays;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.tokenize.BertTokenizer;

/**
 * What {@code data stats} reports for one split.
 *
 * @param rows examples read
 * @param skipped rows skipped as malformed ({@code --on-bad-row skip})
 * @param labelCounts examples per label id (classification; empty for regression or unlabeled splits)
 * @param scoreMean mean gold score (regression), NaN otherwise
 * @param scoreStd standard deviation of the gold scores (regression), NaN otherwise
 * @param lengthPercentiles token counts (with [CLS]/[SEP], before truncation) at {@link #PERCENTILES}
 * @param maxTokens the longest example in tokens
 * @param overMaxLength examples longer than {@code maxLength} (they get truncated)
 */
public record SplitStatistics(GlueDataset data, int rows, int skipped, int[] labelCounts, double scoreMean,
                              double scoreStd, int[] lengthPercentiles, int maxTokens, int maxLength,
                              int overMaxLength) {

    public static final int[] PERCENTILES = {50, 90, 95, 99};
    private static final int NO_TRUNCATION = 1 << 20;

    public static SplitStatistics of(GlueDataset data, BertTokenizer tokenizer, int maxLength) {
        int n = data.size();
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            Example e = data.examples().get(i);
            lengths[i] = tokenizer.encode(e.textA(), e.textB(), NO_TRUNCATION).length();
        }
        int[] sorted = lengths.clone();
        Arrays.sort(sorted);
        int[] percentiles = Arrays.stream(PERCENTILES).map(p -> percentile(sorted, p)).toArray();
        int over = (int) Arrays.stream(lengths).filter(l -> l > maxLength).count();

        int[] counts = new int[data.task().labels().size()];
        double mean = Double.NaN;
        double std = Double.NaN;
        if (data.split().labeled()) {
            if (data.task().isRegression()) {
                double[] scores = data.scores();
                mean = Arrays.stream(scores).average().orElse(Double.NaN);
                double m = mean;
                std = Math.sqrt(Arrays.stream(scores).map(s -> (s - m) * (s - m)).average().orElse(Double.NaN));
            } else {
                for (int label : data.labels()) {
                    counts[label]++;
                }
            }
        }
        return new SplitStatistics(data, n, data.skipped(), counts, mean, std, percentiles,
                n == 0 ? 0 : sorted[n - 1], maxLength, over);
    }

    /** Nearest-rank percentile of sorted values (0 for none). */
    static int percentile(int[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    public int publishedRows() {
        return data.split().publishedRows();
    }

    /** Whether the rows read equal the published split size. */
    public boolean matchesPublished() {
        return rows == publishedRows();
    }
}
