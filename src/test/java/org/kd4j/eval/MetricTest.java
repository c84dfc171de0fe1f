package org.kd4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.data.glue.GlueTask;

/** Metric values against numbers computed by hand (worked out in the comments). */
class MetricTest {

    // gold:      1 1 1 1 0 0 0 0 0 0
    // predicted: 1 1 1 0 1 1 0 0 0 0   -> tp 3, fn 1, fp 2, tn 4
    private static final int[] GOLD = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
    private static final int[] PRED = {1, 1, 1, 0, 1, 1, 0, 0, 0, 0};

    @Test
    void accuracy() {
        assertEquals(0.7, Metric.ACCURACY.of(PRED, GOLD, 2), 1e-15); // 7 of 10
    }

    @Test
    void binaryF1OfPositiveClass() {
        // precision 3/5, recall 3/4, F1 = 2*3 / (2*3 + 2 + 1) = 6/9
        assertEquals(6.0 / 9.0, Metric.F1.of(PRED, GOLD, 2), 1e-15);
    }

    @Test
    void mccBinary() {
        // (tp*tn - fp*fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)) = (12 - 2) / sqrt(5*4*6*5) = 10 / sqrt(600)
        assertEquals(10.0 / Math.sqrt(600.0), Metric.MCC.of(PRED, GOLD, 2), 1e-15);
    }

    @Test
    void mccMulticlassAndDegenerate() {
        // gold 0 1 2 2, pred 0 2 2 2: c=3, s=4, p=(1,0,3), t=(1,1,2)
        // (3*4 - (1*1 + 0*1 + 3*2)) / sqrt((16 - (1+0+9)) * (16 - (1+1+4))) = 5 / sqrt(6*10)
        assertEquals(5.0 / Math.sqrt(60.0), Metric.MCC.of(new int[] {0, 2, 2, 2}, new int[] {0, 1, 2, 2}, 3), 1e-15);
        // a constant prediction makes the denominator 0: MCC is defined as 0 (sklearn's convention)
        assertEquals(0.0, Metric.MCC.of(new int[] {1, 1, 1}, new int[] {0, 1, 1}, 2));
        assertEquals(1.0, Metric.MCC.of(GOLD, GOLD, 2), 1e-15);
    }

    @Test
    void macroF1ForThreeClasses() {
        // gold 0 1 2 2, pred 0 2 2 2: F1(0)=1, F1(1)=0 (fn 1), F1(2)= 2*2/(4+1+0)=0.8 -> mean 0.6
        assertEquals(0.6, Metric.F1.of(new int[] {0, 2, 2, 2}, new int[] {0, 1, 2, 2}, 3), 1e-15);
    }

    @Test
    void pearson() {
        // x = 1 2 3 4, y = 2 4 5 9: means 2.5, 5; dx = -1.5 -.5 .5 1.5; dy = -3 -1 0 4
        // sxy = 4.5 + .5 + 0 + 6 = 11; sxx = 5; syy = 26 -> r = 11 / sqrt(130)
        assertEquals(11.0 / Math.sqrt(130.0), Metric.PEARSON.of(new double[] {1, 2, 3, 4}, new double[] {2, 4, 5, 9}), 1e-15);
    }

    @Test
    void spearmanWithTies() {
        // x = 10 20 20 40 -> ranks 1 2.5 2.5 4; y = 1 3 2 4 -> ranks 1 3 2 4
        // dx = -1.5 0 0 1.5, dy = -1.5 .5 -.5 1.5: sxy = 2.25+0+0+2.25 = 4.5, sxx = 4.5, syy = 5 -> 4.5/sqrt(22.5)
        assertEquals(4.5 / Math.sqrt(22.5),
                Metric.SPEARMAN.of(new double[] {10, 20, 20, 40}, new double[] {1, 3, 2, 4}), 1e-15);
        assertEquals(-1.0, Metric.SPEARMAN.of(new double[] {1, 2, 3}, new double[] {9, 4, 1}), 1e-15);
    }

    @Test
    void misuseIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Metric.ACCURACY.of(new int[] {1}, new int[] {1, 0}, 2));
        assertThrows(IllegalArgumentException.class, () -> Metric.PEARSON.of(new int[] {1}, new int[] {1}, 2));
        assertThrows(IllegalArgumentException.class, () -> Metric.ACCURACY.of(new double[] {1}, new double[] {1}));
        assertTrue(Double.isNaN(Metric.PEARSON.of(new double[] {1, 1}, new double[] {1, 2})), "constant input: undefined");
    }

    @Test
    void eachTaskReportsTheMetricsOfItsBenchmark() {
        assertEquals(List.of(Metric.MCC, Metric.ACCURACY), Metric.forTask(GlueTask.COLA));
        assertEquals(List.of(Metric.F1, Metric.ACCURACY), Metric.forTask(GlueTask.MRPC));
        assertEquals(List.of(Metric.ACCURACY, Metric.F1), Metric.forTask(GlueTask.CB));
        assertEquals(Metric.PEARSON, Metric.mainFor(GlueTask.STSB));
        assertEquals(Metric.ACCURACY, Metric.mainFor(GlueTask.SST2));
        for (GlueTask task : GlueTask.values()) {
            for (Metric m : Metric.forTask(task)) {
                assertEquals(task.isRegression(), m.forRegression(), task + ": " + m);
            }
        }
    }
}
