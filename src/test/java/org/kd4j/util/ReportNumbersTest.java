package org.kd4j.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Durations, medians and one-line messages, as reports and errors write them. */
class ReportNumbersTest {

    @Test
    void durations() {
        assertEquals("4.2 s", Durations.compact(4.2));
        assertEquals("12m 05s", Durations.compact(725));
        assertEquals("3h 07m", Durations.compact(3 * 3600 + 7 * 60 + 20));
    }

    @Test
    void mediansOfOddAndEvenCountsLeaveTheirInputAsItWas() {
        double[] odd = {3, 1, 2};
        assertEquals(2.0, Medians.of(odd));
        assertArrayEquals(new double[] {3, 1, 2}, odd);
        assertEquals(2.5, Medians.of(new double[] {4, 1, 3, 2}));
        assertThrows(IllegalArgumentException.class, () -> Medians.of(new double[0]));
    }

    @Test
    void aMessageOfSeveralLinesBecomesOne() {
        assertEquals("while parsing; in 'reader', line 3:; ^", Messages.oneLine("while parsing\n in 'reader', line 3:\n    \n    ^\n"));
        assertEquals("", Messages.oneLine(null));
    }
}
