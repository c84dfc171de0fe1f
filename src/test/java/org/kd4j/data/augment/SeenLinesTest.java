package org.kd4j.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeenLinesTest {

    @Test
    void remembersWhatFitsAndForgetsOnlyOverwrittenLines() {
        SeenLines seen = new SeenLines(1 << 16);
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add("line " + i));
        }
        int remembered = 0;
        for (int i = 0; i < 1000; i++) {
            remembered += seen.add("line " + i) ? 0 : 1;
        }
        // 1,000 lines in 65,536 slots: the expected number overwritten is about 1000 * 500 / 65536 = 8
        assertTrue(remembered >= 970, "remembered " + remembered);

        SeenLines tiny = new SeenLines(1);
        assertTrue(tiny.add("a"));
        assertFalse(tiny.add("a"));
        assertTrue(tiny.add("b"));
        assertTrue(tiny.add("a"), "overwritten by b, so forgotten");
    }

    @Test
    void fingerprintsDifferForNearlyEqualLinesAndAreNeverZero() {
        assertNotEquals(SeenLines.fingerprint("good film"), SeenLines.fingerprint("good film "));
        assertNotEquals(SeenLines.fingerprint("ab"), SeenLines.fingerprint("ba"));
        assertEquals(SeenLines.fingerprint("x"), SeenLines.fingerprint(new String("x")));
        assertNotEquals(0, SeenLines.fingerprint(""));
        assertThrows(IllegalArgumentException.class, () -> new SeenLines(3));
    }
}
