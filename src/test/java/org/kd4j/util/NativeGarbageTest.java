package org.kd4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kd4j.KdException;

/** The allocator setting a run may ask for: read, checked, and glibc's own threshold by default. */
class NativeGarbageTest {

    @Test
    void withoutThePropertyGlibcKeepsItsAdaptiveThreshold() {
        assertEquals(0, NativeGarbage.mmapThreshold(null));
        assertEquals(0, NativeGarbage.mmapThreshold("  "));
        assertEquals(0, NativeGarbage.mmapThreshold("0"));
    }

    @Test
    void aFixedThresholdIsReadInBytes() {
        assertEquals(262_144, NativeGarbage.mmapThreshold("262144"));
        assertEquals(2_097_152, NativeGarbage.mmapThreshold(" 2097152 "));
    }

    @Test
    void aBadValueNamesThePropertyTheValueAndWhatIsAllowed() {
        for (String bad : new String[] {"-1", "256k", "1e6", "4294967296"}) {
            KdException e = assertThrows(KdException.class, () -> NativeGarbage.mmapThreshold(bad), bad);
            assertTrue(e.getMessage().startsWith("-Dkd4j.mmapThreshold=" + bad + " is not a threshold"), e.getMessage());
            assertTrue(e.getMessage().contains("from 0 (glibc's adaptive threshold) to 2147483647"), e.getMessage());
        }
    }
}
