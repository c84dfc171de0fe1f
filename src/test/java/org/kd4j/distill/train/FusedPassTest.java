package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kd4j.config.OptimizerKind;
import org.kd4j.model.embed.EmbeddingTable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every optimizer's {@link Optimizer.FusedPass} (float arrays, one pass over their native memory) against its ND4J ops
 * on double arrays, which follow the formula in its Javadoc ({@code OptimizerTest}, {@code AdamWTest}).
 */
class FusedPassTest {

    /**
     * Float parameters follow the same formula as double ones over three steps, with and without weight decay, on
     * arrays longer than a block; an f-order float parameter takes the ops and agrees too.
     */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void theFusedFloatUpdateFollowsTheOpsUpdate(OptimizerKind kind) {
        Nd4j.getRandom().setSeed(5);
        INDArray exactW = Nd4j.rand(DataType.DOUBLE, 3, 4099).subi(0.5);
        INDArray exactB = Nd4j.rand(DataType.DOUBLE, 1, 7).subi(0.5);
        INDArray floatW = exactW.castTo(DataType.FLOAT);
        INDArray floatB = exactB.castTo(DataType.FLOAT);
        INDArray fOrderW = floatW.dup('f');
        INDArray initial = exactW.dup();
        Optimizer exact = Optimizer.create(kind, 0.01);
        Optimizer single = Optimizer.create(kind, 0.01);
        Optimizer fOrder = Optimizer.create(kind, 0.01);
        double lr = rate(kind);
        for (int step = 0; step < 3; step++) {
            INDArray gw = Nd4j.rand(DataType.DOUBLE, 3, 4099).subi(0.5).muli(step + 1);
            INDArray gb = Nd4j.rand(DataType.DOUBLE, 1, 7).subi(0.5);
            exact.update(Map.of("l_w", exactW, "l_b", exactB), Map.of("l_w", gw, "l_b", gb), Map.of(), lr);
            INDArray fw = gw.castTo(DataType.FLOAT);
            single.update(Map.of("l_w", floatW, "l_b", floatB), Map.of("l_w", fw, "l_b", gb.castTo(DataType.FLOAT)), Map.of(), lr);
            fOrder.update(Map.of("l_w", fOrderW), Map.of("l_w", fw.dup('f')), Map.of(), lr);
        }
        assertClose(exactW, floatW, kind + ": weights");
        assertClose(exactB, floatB, kind + ": biases");
        assertClose(exactW, fOrderW, kind + ": f-order weights");
        assertClose(exact.firstState().get("l_w"), single.firstState().get("l_w"), kind + ": first state");
        if (kind != OptimizerKind.SGD) {
            assertClose(exact.secondState().get("l_w"), single.secondState().get("l_w"), kind + ": second state");
        }
        // the update moved the weights: the comparison is not between two untouched copies
        assertTrue(exactW.sub(initial).amaxNumber().doubleValue() > 1e-3, kind + ": the weights did not move");
    }

    /**
     * A float table's touched rows are updated where they lie (rows longer than a block included) and match the double
     * table's gathered-and-scattered update over three steps, states included; untouched rows and their states stay as
     * they were.
     */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void floatTableRowsUpdatedInPlaceFollowTheGatheredUpdate(OptimizerKind kind) {
        for (int dim : new int[] {3, 4099}) {
            EmbeddingTable exactTable = EmbeddingTable.random(7, dim, 1.0, DataType.DOUBLE, 3);
            INDArray exact = exactTable.weights();
            INDArray single = exact.castTo(DataType.FLOAT);
            INDArray initial = single.dup();
            Optimizer reference = Optimizer.create(kind, 0.01);
            Optimizer inPlace = Optimizer.create(kind, 0.01);
            Nd4j.getRandom().setSeed(11);
            for (int step = 0; step < 3; step++) {
                int[] ids = step == 1 ? new int[] {6, 0} : new int[] {2, 5, 2};
                INDArray grads = Nd4j.rand(DataType.DOUBLE, ids.length, dim).subi(0.5);
                EmbeddingTable.RowGradient g = exactTable.rowGradient(ids, grads);
                reference.update(Map.of("emb_tokens", exact), Map.of(), Map.of("emb_tokens", g), rate(kind));
                EmbeddingTable.RowGradient gf = new EmbeddingTable.RowGradient(g.rows(), g.values().castTo(DataType.FLOAT));
                inPlace.update(Map.of("emb_tokens", single), Map.of(), Map.of("emb_tokens", gf), rate(kind));
            }
            String what = kind + ", dim " + dim;
            assertClose(exact, single, what + ": table");
            assertClose(reference.firstState().get("emb_tokens"), inPlace.firstState().get("emb_tokens"), what + ": first state");
            if (kind != OptimizerKind.SGD) {
                assertClose(reference.secondState().get("emb_tokens"), inPlace.secondState().get("emb_tokens"),
                        what + ": second state");
            }
            for (int row : new int[] {1, 3, 4}) {
                assertEquals(0.0, single.getRow(row).sub(initial.getRow(row)).amaxNumber().doubleValue(), 0.0, what + ": row " + row);
                assertEquals(0.0, inPlace.firstState().get("emb_tokens").getRow(row).amaxNumber().doubleValue(), 0.0,
                        what + ": state of row " + row);
            }
            for (int row : new int[] {0, 2, 5, 6}) {
                assertTrue(single.getRow(row).sub(initial.getRow(row)).amaxNumber().doubleValue() > 1e-3, what + ": row " + row);
            }
        }
    }

    /** A gradient naming a row the table does not have is refused, naming the optimizer and the row, before anything moves. */
    @Test
    void aRowOutsideTheTableIsRefusedBeforeAnythingMoves() {
        for (OptimizerKind kind : OptimizerKind.values()) {
            INDArray table = Nd4j.rand(DataType.FLOAT, 4, 3);
            INDArray before = table.dup();
            EmbeddingTable.RowGradient outside = new EmbeddingTable.RowGradient(new int[] {1, 4}, Nd4j.rand(DataType.FLOAT, 2, 3));
            Optimizer optimizer = Optimizer.create(kind, 0.01);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> optimizer.update(Map.of("emb_tokens", table), Map.of(), Map.of("emb_tokens", outside), 0.05));
            assertEquals(optimizer.getClass().getSimpleName() + ": gradient of row 4 of a table of 4 rows", e.getMessage());
            assertEquals(before, table, kind.toString());
        }
    }

    /** A learning rate at which three steps move the weights visibly: Adadelta's steps are about sqrt(eps) before lr. */
    private static double rate(OptimizerKind kind) {
        return kind == OptimizerKind.ADADELTA ? 1.0 : 0.05;
    }

    private static void assertClose(INDArray want, INDArray got, String what) {
        INDArray diff = got.castTo(DataType.DOUBLE).sub(want);
        double scale = Math.max(1e-12, want.amaxNumber().doubleValue());
        assertEquals(0.0, diff.amaxNumber().doubleValue() / scale, 2e-6, what);
    }
}
