package org.kd4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kd4j.KdException;

/** The fresh-against-reused memory benchmark on a few MB. */
class FreshMemoryBenchmarkTest {

    @Test
    void measuresThreeWaysWithPositiveRatesAndConsistentPageTimes() {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"));
        FreshMemoryBenchmark.Result r = FreshMemoryBenchmark.run(1L << 20, 4L << 20, 3);
        assertEquals(3, r.lines().size());
        assertEquals(4L << 20, r.bytesPerRun());
        for (FreshMemoryBenchmark.Line line : r.lines()) {
            EncoderBenchmark.Stats s = line.gigabytesPerSecond();
            assertEquals(3, s.runs());
            assertTrue(s.min() > 0 && s.min() <= s.median() && s.median() <= s.max() && Double.isFinite(s.max()), line.toString());
            // microseconds per page and GB/s are the same figure: 4096 bytes at the median rate
            assertEquals(4096 / (s.median() * 1e3), line.microsPerPage(), 1e-9 * line.microsPerPage());
        }
        assertEquals(r.lines().get(2).gigabytesPerSecond().median() / r.lines().get(0).gigabytesPerSecond().median(),
                r.freshOverReused(), 1e-12);
    }

    @Test
    void badSizesNameTheValue() {
        assertTrue(assertThrows(KdException.class, () -> FreshMemoryBenchmark.run(5000, 1 << 20, 1)).getMessage()
                .contains("block size 5000 bytes: expected a multiple of 4096"));
        assertTrue(assertThrows(KdException.class, () -> FreshMemoryBenchmark.run(1 << 20, 1 << 19, 1)).getMessage()
                .contains("bytes per run 524288: expected at least one block"));
        assertTrue(assertThrows(KdException.class, () -> FreshMemoryBenchmark.run(1 << 20, 1 << 20, 0)).getMessage()
                .contains("runs 0: expected at least 1"));
    }
}
