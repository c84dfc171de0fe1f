package org.kd4j.eval;

/** Accuracy, F1 and Matthews correlation from label ids. */
public final class ClassificationMetrics {

    private ClassificationMetrics() {}

    public static double accuracy(int[] predicted, int[] gold) {
        checkSizes(predicted.length, gold.length);
        int hits = 0;
        for (int i = 0; i < gold.length; i++) {
            if (predicted[i] == gold[i]) {
                hits++;
            }
        }
        return (double) hits / gold.length;
    }

    /** F1 of one class: 2 tp / (2 tp + fp + fn); 0 when that class is neither predicted nor present. */
    public static double binaryF1(int[] predicted, int[] gold, int positive) {
        checkSizes(predicted.length, gold.length);
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < gold.length; i++) {
            boolean p = predicted[i] == positive;
            boolean g = gold[i] == positive;
            if (p && g) {
                tp++;
            } else if (p) {
                fp++;
            } else if (g) {
                fn++;
            }
        }
        long denominator = 2 * tp + fp + fn;
        return denominator == 0 ? 0.0 : 2.0 * tp / denominator;
    }

    /** Unweighted mean of the per-class F1 over {@code numClasses} classes. */
    public static double macroF1(int[] predicted, int[] gold, int numClasses) {
        double sum = 0;
        for (int c = 0; c < numClasses; c++) {
            sum += binaryF1(predicted, gold, c);
        }
        return sum / numClasses;
    }

    /**
     * Matthews correlation, R_K = (c s - sum_k p_k t_k) / sqrt((s^2 - sum_k p_k^2)(s^2 - sum_k t_k^2)) with
     * c correct predictions, s samples, p_k times class k was predicted, t_k times it was the truth; for two
     * classes this is (tp tn - fp fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)). 0 when the denominator is 0.
     */
    public static double mcc(int[] predicted, int[] gold, int numClasses) {
        checkSizes(predicted.length, gold.length);
        int k = numClasses;
        for (int i = 0; i < gold.length; i++) {
            k = Math.max(k, Math.max(predicted[i], gold[i]) + 1);
        }
        long[] p = new long[k];
        long[] t = new long[k];
        long correct = 0;
        for (int i = 0; i < gold.length; i++) {
            p[predicted[i]]++;
            t[gold[i]]++;
            if (predicted[i] == gold[i]) {
                correct++;
            }
        }
        double s = gold.length;
        double pt = 0;
        double pp = 0;
        double tt = 0;
        for (int c = 0; c < k; c++) {
            pt += (double) p[c] * t[c];
            pp += (double) p[c] * p[c];
            tt += (double) t[c] * t[c];
        }
        double denominator = Math.sqrt((s * s - pp) * (s * s - tt));
        return denominator == 0 ? 0.0 : (correct * s - pt) / denominator;
    }

    static void checkSizes(int predicted, int gold) {
        if (predicted != gold) {
            throw new IllegalArgumentException("predictions (" + predicted + ") and gold labels (" + gold
                    + ") differ in length");
        }
        if (gold == 0) {
            throw new IllegalArgumentException("no examples to score");
        }
    }
}
