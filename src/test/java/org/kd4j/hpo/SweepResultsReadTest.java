package org.kd4j.hpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;

/** {@code results.json} read back strictly: each edit of a valid file is refused naming the field, or read as meant. */
class SweepResultsReadTest {

    @TempDir Path dir;

    private String written() throws IOException {
        Map<String, TrialValue> v = new LinkedHashMap<>();
        v.put("lr", new TrialValue.Real(0.5));
        v.put("layers", new TrialValue.Int(2));
        v.put("pooling", new TrialValue.Choice("mean"));
        SweepResults.write(dir, List.of("lr", "layers", "pooling"), "dev_accuracy", true,
                List.of(TrialRecord.ok(0, v, 0.8, Map.of("dev_loss", 0.4), 1.0)));
        return Files.readString(dir.resolve(SweepResults.JSON_FILE));
    }

    /** Reads the file after replacing {@code from} with {@code to}; returns the error, or "" when it was read. */
    private String readEdited(String from, String to) throws IOException {
        String text = written();
        assertTrue(text.contains(from), from + " in\n" + text);
        Files.writeString(dir.resolve(SweepResults.JSON_FILE), text.replace(from, to));
        try {
            SweepResults.read(dir);
            return "";
        } catch (KdException e) {
            String prefix = dir.resolve(SweepResults.JSON_FILE) + ": ";
            assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
            return e.getMessage().substring(prefix.length());
        }
    }

    @Test
    void numbersAndStringsAreNotCoercedIntoEachOther() throws IOException {
        assertTrue(readEdited("\"score\" : 0.8", "\"score\" : \"0.8\"").startsWith("trials[0].score: expected double"));
        assertTrue(readEdited("\"value\" : 2\n", "\"value\" : 2.5\n")
                .startsWith("trials[0].values.layers.value: expected int"));
        assertTrue(readEdited("\"value\" : 2\n", "\"value\" : \"2\"\n")
                .startsWith("trials[0].values.layers.value: expected int"));
        assertTrue(readEdited("\"value\" : \"mean\"", "\"value\" : 5")
                .startsWith("trials[0].values.pooling.value: expected String"));
    }

    @Test
    void nonFiniteNumbersAreReadFromTheirNames() throws IOException {
        assertEquals("", readEdited("\"dev_loss\" : 0.4", "\"dev_loss\" : \"NaN\""));
        assertTrue(Double.isNaN(SweepResults.read(dir).get(0).metrics().get("dev_loss")));
        assertEquals("", readEdited("\"score\" : 0.8", "\"score\" : \"Infinity\""));
        assertEquals(Double.POSITIVE_INFINITY, SweepResults.read(dir).get(0).score());
    }

    @Test
    void missingUnknownOrInvalidFieldsAreNamed() throws IOException {
        assertTrue(readEdited("\"score\" : 0.8,\n", "").startsWith("trials[0].score: "));
        assertTrue(readEdited("\"index\" : 0", "\"index\" : 0, \"extra\" : 1").startsWith("trials[0].extra: "));
        assertEquals("trials[0].status: expected one of [OK, FAILED], found DONE",
                readEdited("\"status\" : \"OK\"", "\"status\" : \"DONE\""));
        assertEquals("trials[0].values.lr.type: expected double, int or string, found nothing",
                readEdited("\"type\" : \"double\",", ""));
        // the records' own checks, located
        assertEquals("trials[0]: trial 0: a failed trial has score NaN, got 0.8",
                readEdited("\"status\" : \"OK\"", "\"status\" : \"FAILED\""));
        assertEquals("trials[0]: trial 0: metrics: null key or value (dev_loss -> null)",
                readEdited("\"dev_loss\" : 0.4", "\"dev_loss\" : null"));
        assertEquals("format: expected 1, found 2", readEdited("\"format\" : 1", "\"format\" : 2"));
        KdException e = assertThrows(KdException.class, () -> {
            Files.writeString(dir.resolve(SweepResults.JSON_FILE), "[]");
            SweepResults.read(dir);
        });
        assertTrue(e.getMessage().endsWith(": expected a JSON object, found []"), e.getMessage());
    }
}
