package org.kd4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void showsCountPercentageRateAndTimeLeft() {
        AtomicLong clock = new AtomicLong(5 * SECOND);
        ProgressLine p = new ProgressLine("train epoch 1", 5_000, "examples", clock::get);
        clock.addAndGet(2 * SECOND);
        assertEquals("train epoch 1  1,000/5,000 (20.0%)  500.0 examples/s  ETA 0:08", p.update(1_000).text());
        clock.addAndGet(8 * SECOND);
        assertEquals("train epoch 1  5,000/5,000 (100.0%)  500.0 examples/s  done in 0:10", p.update(5_000).text());
    }

    @Test
    void unknownTotalShowsCountAndRateOnly() {
        AtomicLong clock = new AtomicLong();
        ProgressLine p = new ProgressLine("score", 0, "sentences", clock::get);
        assertEquals("score  0  0.0 sentences/s", p.text());
        clock.set(4 * SECOND);
        assertEquals("score  10  2.5 sentences/s", p.update(10).text());
        assertEquals("<div class=\"kd4j-progress\" style=\"font-family:monospace\">score  10  2.5 sentences/s</div>",
                p.html());
    }

    @Test
    void htmlHasABarAndEscapedText() {
        AtomicLong clock = new AtomicLong();
        ProgressLine p = new ProgressLine("a<b", 4, "steps", clock::get);
        clock.set(SECOND);
        assertEquals("<div class=\"kd4j-progress\" style=\"font-family:monospace\"><progress value=\"1\" max=\"4\""
                + " style=\"width:20em;vertical-align:middle\"></progress> a&lt;b  1/4 (25.0%)  1.0 steps/s  ETA 0:03"
                + "</div>", p.update(1).html());
    }

    @Test
    void clockFormatsMinutesAndHours() {
        assertEquals("0:59", ProgressLine.clock(59.4));
        assertEquals("2:05", ProgressLine.clock(125));
        assertEquals("1:01:01", ProgressLine.clock(3661));
    }

    @Test
    void rejectsNegativeCounts() {
        assertThrows(IllegalArgumentException.class, () -> new ProgressLine("x", -1, "u"));
        assertThrows(IllegalArgumentException.class, () -> new ProgressLine("x", 1, "u").update(-1));
    }
}
