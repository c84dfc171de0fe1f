package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Progress is a value: off shows nothing, and without a terminal (as under Maven) the CLI's choice is log lines. */
class ProgressTest {

    @Test
    void withoutATerminalTheConsoleChoiceIsLogLines() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.console() == null, "a terminal is attached");
        Progress chosen = Progress.forConsole();
        assertTrue(chosen.enabled());
        Progress.Phase phase = chosen.start("test train", 10);
        assertNotEquals(Progress.Phase.NONE, phase);
        assertFalse(phase instanceof TerminalBar, "no bar without a terminal");
        for (int step = 1; step <= 10; step++) {
            phase.update(step, 8, 0.5);
        }
        phase.close();
    }

    @Test
    void offShowsNothingAndOneValueServesPhasesAtTheSameTime() {
        assertFalse(Progress.off().enabled());
        assertEquals(Progress.Phase.NONE, Progress.off().start("x", 3));
        Progress lines = Progress.logLines(0);
        Progress.Phase a = lines.start("a", 2);
        Progress.Phase b = lines.start("b", 4);
        assertNotEquals(a, b, "each phase has its own tracker");
    }

    @Test
    void durations() {
        assertEquals("0m05s", Progress.duration(5));
        assertEquals("1h01m", Progress.duration(3660));
    }
}
