package org.kd4j.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Two sets of logits compared row for row: the figures by hand, NaN never passes, mismatched shapes are refused. */
class ExportCheckTest {

    @Test
    void theLargestDifferenceOverTheLargestReferenceLogit() {
        float[][] reference = {{1f, -4f}, {2f, 0.5f}};
        ExportCheck off = ExportCheck.compare(reference, new float[][] {{1f, -4.002f}, {2.001f, 0.5f}});
        assertEquals(2, off.examples());
        assertEquals(1, off.batches());
        assertEquals(0.002, off.maxDiff(), 1e-6);
        assertEquals(4.0, off.maxLogit(), 0);
        assertEquals(5e-4, off.relative(), 1e-6);
        assertFalse(off.passes(), "5e-4 is over the 1e-4 bar");
        ExportCheck close = ExportCheck.compare(reference, new float[][] {{1f, -4.0002f}, {2f, 0.5f}});
        assertEquals(5e-5, close.relative(), 1e-6);
        assertTrue(close.passes());
        ExportCheck same = ExportCheck.compare(reference, new float[][] {{1f, -4f}, {2f, 0.5f}});
        assertEquals(0, same.relative(), 0);
        assertTrue(same.passes());
    }

    @Test
    void nanNeverPassesAndShapesMustMatch() {
        float[][] reference = {{1f, 2f}, {3f, 4f}};
        ExportCheck nan = ExportCheck.compare(reference, new float[][] {{Float.NaN, 2f}, {3f, 4f}});
        assertEquals(Double.POSITIVE_INFINITY, nan.maxDiff(), 0);
        assertFalse(nan.passes());
        assertThrows(IllegalStateException.class, () -> ExportCheck.compare(reference, new float[][] {{1f, 2f}}));
        assertThrows(IllegalStateException.class, () -> ExportCheck.compare(reference, new float[][] {{1f, 2f}, {3f}}));
    }
}
