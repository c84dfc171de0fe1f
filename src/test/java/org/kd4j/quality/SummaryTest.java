package org.kd4j.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;

class SummaryTest {

    @Test
    void meanAndSampleStandardDeviationInPoints() {
        // 0.80, 0.82, 0.87 -> 80, 82, 87 points: mean 83, deviations -3, -1, 4: sum of squares 26, / 2 = 13
        Summary s = Summary.ofMetric(List.of(0.80, 0.82, 0.87));
        assertEquals(83.0, s.mean(), 1e-9);
        assertEquals(Math.sqrt(13), s.std(), 1e-9);
        assertEquals(3, s.n());
        assertEquals("83.0 ± 3.6", s.format(3));
        assertEquals("83.0 ± 3.6 (n=3)", s.format(5));
        Summary one = Summary.ofMetric(List.of(0.5));
        assertTrue(Double.isNaN(one.std()));
        assertEquals("50.0 (n=1)", one.format(3));
        assertEquals("50.0", one.format(1));
    }

    @Test
    void comparisonsKeepTheSignTheGoalsJudge() {
        assertEquals("+0.7 (77.9 vs 77.2)", Summary.comparison(77.9, 77.2, 0));
        assertEquals("-1.9 (51.9 vs 53.8)", Summary.comparison(51.9, 53.8, 0));
        // 83.64 - 83.66 = -0.02: %+.1f alone would print "-0.0"; the sign a goal judges is kept
        assertEquals("-0.0", String.format(java.util.Locale.ROOT, "%+.1f", 83.64 - 83.66));
        assertEquals("-0.02 (83.6 vs 83.7)", Summary.comparison(83.64, 83.66, 0));
        assertEquals("+0.03 (13.2 vs 13.2)", Summary.comparison(13.23, 13.2, 0));
        assertEquals("+0.0 (50.0 vs 50.0)", Summary.comparison(50.0, 50.0, 0));
        assertEquals("-0.05", Summary.signed(-0.049));
        assertEquals("+0.0", Summary.signed(1e-14), "floating-point noise reads as a tie");
        assertEquals("-0.1", Summary.signed(-0.05));
        assertEquals("+0.1", Summary.signed(0.05));
    }

    @Test
    void aGainBesideTheGoalsThresholdReadsOnItsSide() {
        // 1.46 rounds to +1.5, which would read as meeting a >= 1.5 goal marked missed
        assertEquals("+1.5", String.format(java.util.Locale.ROOT, "%+.1f", 1.46));
        assertEquals("+1.46 (80.0 vs 78.5)", Summary.comparison(79.96, 78.5, 1.5));
        assertEquals("+1.499", Summary.signed(1.4994, 1.5));
        assertEquals("+1.4999", Summary.signed(1.49994, 1.5));
        assertEquals("+1.5000", Summary.signed(1.499996, 1.5), "at most four decimals, even where they still round up");
        assertEquals("+1.5", Summary.signed(1.5, 1.5));
        assertEquals("+1.5", Summary.signed(1.54, 1.5));
        assertEquals("+1.4", Summary.signed(1.44, 1.5), "no rounding across the threshold: one decimal");
        assertEquals("+2.0", Summary.signed(1.96, 1.5));
        assertEquals("-0.02", Summary.signed(-0.02, 0), "the sign rule still holds at a threshold of zero");
        // floating-point noise below a threshold meets it, and reads as the threshold
        assertTrue(Summary.atLeast(1.5 - 1e-12, 1.5));
        assertEquals("+1.5", Summary.signed(1.5 - 1e-12, 1.5));
        assertFalse(Summary.atLeast(1.4999, 1.5));
        assertEquals("-3.04", Summary.signed(-3.04, -3), "a negative threshold (the BiLSTM goal's -3)");
    }

    @Test
    void theReportFileKeepsTheTextOutsideTheMarkers(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("quality.md");
        Files.writeString(doc, "# Intro\n\ntext before\n" + ReportFile.BEGIN + "\nold table\n" + ReportFile.END + "\n\nafter\n");
        ReportFile.write(doc, "new table\n");
        assertEquals("# Intro\n\ntext before\n" + ReportFile.BEGIN + "\nnew table\n" + ReportFile.END + "\n\nafter\n",
                Files.readString(doc));
        ReportFile.write(doc, "newer");
        assertEquals("# Intro\n\ntext before\n" + ReportFile.BEGIN + "\nnewer\n" + ReportFile.END + "\n\nafter\n",
                Files.readString(doc));

        Path fresh = dir.resolve("fresh.md");
        ReportFile.write(fresh, "table\n");
        assertEquals(ReportFile.BEGIN + "\ntable\n" + ReportFile.END + "\n", Files.readString(fresh));

        Path none = dir.resolve("none.md");
        Files.writeString(none, "no markers here\n");
        KdException e = assertThrows(KdException.class, () -> ReportFile.write(none, "x"));
        assertTrue(e.getMessage().startsWith(none + ": expected the markers"), e.getMessage());
        assertEquals("no markers here\n", Files.readString(none), "left untouched");
        Path reversed = dir.resolve("reversed.md");
        Files.writeString(reversed, ReportFile.END + "\n" + ReportFile.BEGIN + "\n");
        assertTrue(assertThrows(KdException.class, () -> ReportFile.write(reversed, "x")).getMessage().contains("out of order"));
    }

}
