package org.kd4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.Encoding;

class EvaluatorTest {

    private static EncodedDataset data(int[] labels) {
        List<Encoding> encodings = java.util.stream.IntStream.range(0, labels.length)
                .mapToObj(i -> new Encoding(new int[] {101, 1000 + i, 102}, new int[] {0, 0, 0})).toList();
        return new EncodedDataset(GlueTask.MRPC, encodings, labels, new double[labels.length], 8);
    }

    @Test
    void scoresTheModelsLogitsAgainstTheGoldLabels() {
        // predicted 1, 0, 1, 1; gold 1, 0, 0, 1 (as in EvaluationTest): F1 0.8, accuracy 0.75
        float[][] logits = {{0.1f, 2f}, {3f, -1f}, {-0.5f, 0.5f}, {0f, 0.2f}};
        EncodedDataset data = data(new int[] {1, 0, 0, 1});
        Evaluator.Report report = Evaluator.evaluate(GlueTask.MRPC, data, d -> logits);
        assertEquals(0.8, report.evaluation().main(), 1e-12);
        assertEquals(0.75, report.evaluation().metrics().get(Metric.ACCURACY), 1e-12);
        double expectedLoss = 0;
        int[] gold = {1, 0, 0, 1};
        for (int i = 0; i < 4; i++) {
            double z = Math.log(Math.exp(logits[i][0]) + Math.exp(logits[i][1]));
            expectedLoss += z - logits[i][gold[i]];
        }
        assertEquals(expectedLoss / 4, report.loss(), 1e-6);
        assertEquals(4, report.examples());
        String table = report.table().toString();
        assertTrue(table.contains("eval_f1") && table.contains("0.8000") && table.contains("eval_accuracy")
                && table.contains("eval_loss") && table.contains("eval_samples_per_second"), table);
    }

    @Test
    void aModelReturningTheWrongRowCountIsAnError() {
        EncodedDataset data = data(new int[] {1, 0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.evaluate(GlueTask.MRPC, data, d -> new float[][] {{0f, 1f}}));
        assertEquals("model output: expected 2 rows, found 1", e.getMessage());
    }
}
