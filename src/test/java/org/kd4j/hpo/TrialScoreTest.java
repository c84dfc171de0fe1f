package org.kd4j.hpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.KdException;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.distill.DistillationRun;
import org.kd4j.distill.ResultRow;
import org.kd4j.config.StudentVariant;
import org.kd4j.eval.Evaluation;

/** A trial's score is read from the ensemble-distilled student's row, found by name, whatever the rows' order. */
class TrialScoreTest {

    /** A row whose dev accuracy is {@code right} of 4 examples. */
    private static ResultRow row(String name, int right, double devLoss) {
        float[][] logits = new float[4][];
        for (int i = 0; i < 4; i++) {
            logits[i] = i < right ? new float[] {1, 0} : new float[] {0, 1};
        }
        return new ResultRow(name, 10, Evaluation.of(GlueTask.SST2, logits, new int[4], null), devLoss, 1, 1);
    }

    @Test
    void theStudentRowIsFoundByNameAndTheObjectiveReadsItsField() {
        // the distilled student is not the last row: a row taken by position would score 0.25 / 0.9
        DistillationRun.Result result = new DistillationRun.Result(List.of(row("ensemble of 2 teachers", 4, 0.1),
                row(StudentVariant.ENSEMBLE.label(), 2, 0.7), row(StudentVariant.CROSS_ENTROPY.label(), 1, 0.9)),
                null, "title", "");
        ResultRow student = Sweep.studentRow(result);
        assertEquals(0.5, Objective.MAIN_METRIC.score(student), 1e-12);
        assertEquals(0.7, Objective.DEV_LOSS.score(student), 1e-12);
        assertEquals("dev_main_metric", Objective.MAIN_METRIC.columnName());
        assertEquals("dev_loss", Objective.DEV_LOSS.columnName());
        assertTrue(Objective.MAIN_METRIC.maximize());
        assertTrue(!Objective.DEV_LOSS.maximize());
    }

    @Test
    void aRunWithoutTheStudentIsAnErrorListingItsRows() {
        DistillationRun.Result result = new DistillationRun.Result(
                List.of(row(StudentVariant.CROSS_ENTROPY.label(), 1, 0.9)), null, "title", "");
        KdException e = assertThrows(KdException.class, () -> Sweep.studentRow(result));
        assertEquals("the trial's run has no row 'student, distilled from ensemble'; its rows: "
                + "[student, cross-entropy only]", e.getMessage());
    }
}
