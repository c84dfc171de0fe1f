package org.kd4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.data.glue.GlueTask;

class EvaluationTest {

    @Test
    void classificationUsesArgMaxAndTheTaskMetricsInOrder() {
        // predicted labels 1, 0, 1, 1 (arg-max of each row); gold 1, 0, 0, 1 -> tp 2, fp 1, fn 0, tn 1
        float[][] logits = {{0.1f, 2f}, {3f, -1f}, {-0.5f, 0.5f}, {0f, 0.2f}};
        Evaluation e = Evaluation.of(GlueTask.MRPC, logits, new int[] {1, 0, 0, 1}, null);
        assertEquals(List.of(Metric.F1, Metric.ACCURACY), List.copyOf(e.metrics().keySet()));
        assertEquals(0.8, e.main(), 1e-12); // F1 = 2*2 / (2*2 + 1 + 0)
        assertEquals(0.75, e.metrics().get(Metric.ACCURACY), 1e-12);
        assertEquals("f1 0.8000, accuracy 0.7500", e.toString());
    }

    @Test
    void regressionReadsTheFirstColumn() {
        float[][] scores = {{1f}, {2f}, {3f}};
        Evaluation e = Evaluation.of(GlueTask.STSB, scores, null, new double[] {2, 4, 6});
        assertEquals(1.0, e.main(), 1e-12);
        assertEquals(1.0, e.metrics().get(Metric.SPEARMAN), 1e-12);
        assertEquals(3, e.examples());
    }

    @Test
    void theConstantBaselineIsTheBestSingleClassOrZeroForScores() {
        // SST-2: 3 of 5 positive, always-positive is right on 3 of 5
        assertEquals(0.6, Evaluation.constantBaseline(GlueTask.SST2, new int[] {1, 1, 0, 1, 0}, null), 1e-12);
        // MRPC (F1 of class 1): always-positive has precision 2/4 and recall 1, F1 2/3; always-negative has F1 0
        assertEquals(2.0 / 3, Evaluation.constantBaseline(GlueTask.MRPC, new int[] {1, 0, 0, 1}, null), 1e-12);
        // CoLA (MCC): a constant prediction has no correlation
        assertEquals(0.0, Evaluation.constantBaseline(GlueTask.COLA, new int[] {1, 0, 1, 1}, null), 1e-12);
        // STS-B (Pearson): a constant score has no correlation
        assertEquals(0.0, Evaluation.constantBaseline(GlueTask.STSB, new int[3], new double[] {0.5, 3, 4.8}), 1e-12);
    }
}
