package org.kd4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The confusion matrix of {@code evaluate}, by hand. */
class ConfusionTest {

    @Test
    void countsPrecisionAndRecallByHand() {
        // predicted (arg-max): a, b, b, c, a, c; gold: a, a, b, c, c, c
        float[][] logits = {{3, 1, 0}, {0, 2, 1}, {0, 5, 1}, {0, 0, 1}, {2, 1, 1}, {1, 0, 4}};
        int[] gold = {0, 0, 1, 2, 2, 2};
        Confusion c = Confusion.of(List.of("a", "b", "c"), logits, gold);
        assertArrayEquals(new long[] {1, 1, 0}, c.counts()[0]);
        assertArrayEquals(new long[] {0, 1, 0}, c.counts()[1]);
        assertArrayEquals(new long[] {1, 0, 2}, c.counts()[2]);
        assertEquals(0.5, c.precision(0), 1e-12); // predicted a: rows 0 (a) and 4 (c)
        assertEquals(0.5, c.precision(1), 1e-12); // predicted b: rows 1 (a) and 2 (b)
        assertEquals(1.0, c.precision(2), 1e-12);
        assertEquals(0.5, c.recall(0), 1e-12);
        assertEquals(1.0, c.recall(1), 1e-12);
        assertEquals(2.0 / 3, c.recall(2), 1e-12);
        String table = c.table().toString().replace(" ", "");
        assertTrue(table.contains("\n|c|1|0|2|0.6667|\n"), table);
        assertTrue(table.contains("\n|precision|0.5000|0.5000|1.0000||\n"), table);
    }

    @Test
    void aLabelNeverPredictedHasNoPrecision() {
        Confusion c = Confusion.of(List.of("neg", "pos"), new float[][] {{1, 0}, {2, 0}}, new int[] {0, 1});
        assertTrue(Double.isNaN(c.precision(1)));
        assertEquals(0.0, c.recall(1));
        assertTrue(c.table().toString().replace(" ", "").contains("|precision|0.5000|-||"), c.table().toString());
    }

    @Test
    void shapesThatDoNotFitAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Confusion.of(List.of("a", "b"), new float[][] {{1, 0}}, new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> Confusion.of(List.of("a", "b"), new float[][] {{1, 0, 0}}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> Confusion.of(List.of("a", "b"), new float[][] {{1, 0}}, new int[] {0, 1}));
    }
}
