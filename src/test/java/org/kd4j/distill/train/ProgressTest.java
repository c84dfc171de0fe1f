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
    void customTrackersSeeEveryPhaseAndStep() {
        java.util.List<String> seen = new java.util.ArrayList<>();
        Progress custom = Progress.custom((phase, total) -> new Progress.Phase() {
            @Override
            public void update(long step, int batchExamples, double loss) {
                seen.add(phase + " " + step + "/" + total + " " + batchExamples);
            }

            @Override
            public void close() {
                seen.add(phase + " closed");
            }
        });
        assertTrue(custom.enabled());
        try (Progress.Phase p = custom.start("train", 2)) {
            p.update(1, 8, 0.7);
            p.update(2, 4, 0.6);
        }
        assertEquals(java.util.List.of("train 1/2 8", "train 2/2 4", "train closed"), seen);
        assertEquals(Progress.Phase.NONE, Progress.custom((phase, total) -> null).start("x", 1), "null shows nothing");
    }

    @Test
    void durations() {
        assertEquals("0m05s", Progress.duration(5));
        assertEquals("1h01m", Progress.duration(3660));
    }
}
