package org.kd4j.model.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class EmbeddingTableTest {

    private static final int[] IDS = {3, 1, 3, 0, 7, 3}; // id 3 three times: its gradient must accumulate

    @Test
    void lookupGathersRows() {
        EmbeddingTable t = EmbeddingTable.random(8, 4, 1.0, DataType.DOUBLE, 1);
        INDArray rows = t.lookup(IDS);
        for (int i = 0; i < IDS.length; i++) {
            assertEquals(t.weights().getRow(IDS[i]), rows.getRow(i));
        }
    }

    @Test
    void scatterAddAccumulatesRepeatedIds() {
        EmbeddingTable t = EmbeddingTable.random(8, 4, 1.0, DataType.DOUBLE, 2);
        INDArray rowGrads = Nd4j.rand(DataType.DOUBLE, IDS.length, 4);
        INDArray expected = Nd4j.zeros(DataType.DOUBLE, 8, 4);
        for (int i = 0; i < IDS.length; i++) {
            expected.getRow(IDS[i]).addi(rowGrads.getRow(i));
        }
        INDArray actual = t.gradient(IDS, rowGrads);
        assertEquals(0.0, actual.sub(expected).amaxNumber().doubleValue(), 1e-15);
        assertEquals(0.0, actual.getRow(2).amaxNumber().doubleValue(), "untouched rows stay zero");
    }

    @Test
    void rowGradientEqualsTheDenseGradient() {
        EmbeddingTable t = EmbeddingTable.random(8, 4, 1.0, DataType.DOUBLE, 6);
        INDArray rowGrads = Nd4j.rand(DataType.DOUBLE, IDS.length, 4);
        EmbeddingTable.RowGradient sparse = t.rowGradient(IDS, rowGrads);
        assertEquals(java.util.List.of(3, 1, 0, 7), java.util.Arrays.stream(sparse.rows()).boxed().toList());
        assertEquals(0.0, sparse.dense(8).sub(t.gradient(IDS, rowGrads)).amaxNumber().doubleValue(), 1e-15);
    }

    @Test
    void manyRepeatsAccumulateExactly() {
        // 20,000 tokens over 5 rows: a racy parallel scatter would lose updates
        int[] ids = java.util.stream.IntStream.range(0, 20_000).map(i -> i % 5).toArray();
        EmbeddingTable t = EmbeddingTable.random(5, 16, 1.0, DataType.DOUBLE, 5);
        INDArray grad = t.gradient(ids, Nd4j.ones(DataType.DOUBLE, ids.length, 16));
        assertEquals(4_000.0, grad.minNumber().doubleValue(), 0.0);
        assertEquals(4_000.0, grad.maxNumber().doubleValue(), 0.0);
    }

    /**
     * End to end through a SameDiff graph, double precision: loss = sum(tanh(rows W)) with rows = table[ids];
     * SameDiff differentiates with respect to the rows variable, the scatter-add maps it onto the table, and
     * every table entry's gradient matches a central finite difference of the whole computation.
     */
    @Test
    void gradientMatchesFiniteDifferences() {
        EmbeddingTable table = EmbeddingTable.random(8, 4, 0.5, DataType.DOUBLE, 3);
        SameDiff sd = SameDiff.create();
        SDVariable rows = sd.var("rows", table.lookup(IDS));
        SDVariable w = sd.var("w", Nd4j.rand(DataType.DOUBLE, 4, 3).subi(0.5));
        SDVariable loss = sd.math().tanh(rows.mmul(w)).sum();
        sd.setLossVariables(loss);

        sd.getVariable("rows").setArray(table.lookup(IDS));
        INDArray rowGrads = sd.calculateGradients(Map.of(), "rows").get("rows");
        INDArray analytic = table.gradient(IDS, rowGrads);

        double h = 1e-6;
        for (int v = 0; v < 8; v++) {
            for (int d = 0; d < 4; d++) {
                double original = table.weights().getDouble(v, d);
                table.weights().putScalar(v, d, original + h);
                double plus = lossAt(sd, table, loss);
                table.weights().putScalar(v, d, original - h);
                double minus = lossAt(sd, table, loss);
                table.weights().putScalar(v, d, original);
                double numeric = (plus - minus) / (2 * h);
                assertEquals(numeric, analytic.getDouble(v, d), 1e-8, "d loss / d table[" + v + "][" + d + "]");
            }
        }
    }

    private static double lossAt(SameDiff sd, EmbeddingTable table, SDVariable loss) {
        sd.getVariable("rows").setArray(table.lookup(IDS));
        return sd.output(Map.of(), loss.name()).get(loss.name()).getDouble(0);
    }

    @Test
    void idsOutsideTheVocabularyAreRejected() {
        EmbeddingTable t = EmbeddingTable.random(8, 4, 1.0, DataType.FLOAT, 4);
        assertThrows(IllegalArgumentException.class, () -> t.lookup(new int[] {8}));
        assertThrows(IllegalArgumentException.class, () -> t.gradient(new int[] {1}, Nd4j.zeros(DataType.FLOAT, 2, 4)));
    }
}
