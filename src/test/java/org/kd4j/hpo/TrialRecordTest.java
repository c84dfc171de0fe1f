package org.kd4j.hpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialRecordTest {

    @Test
    void copiesItsMaps() {
        Map<String, Object> values = new HashMap<>(Map.of("lr", 1e-3));
        TrialRecord t = TrialRecord.ok(0, values, 0.8, Map.of(), 1.0);
        values.put("lr", 1.0);
        assertEquals(1e-3, t.values().get("lr"));
        assertThrows(UnsupportedOperationException.class, () -> t.values().put("x", 1));
    }

    @Test
    void rejectsInconsistentOrUnsupportedValues() {
        assertThrows(IllegalArgumentException.class,
                () -> new TrialRecord(0, Map.of(), Double.NaN, Map.of(), 1, TrialRecord.Status.OK, ""));
        assertThrows(IllegalArgumentException.class,
                () -> new TrialRecord(0, Map.of(), 0.5, Map.of(), 1, TrialRecord.Status.FAILED, "boom"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrialRecord.ok(0, Map.of("steps", 10L), 0.5, Map.of(), 1));
        assertTrue(e.getMessage().contains("values.steps: expected Double, Integer or String, got Long"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrialRecord.ok(-1, Map.of(), 0.5, Map.of(), 1));
        assertThrows(IllegalArgumentException.class, () -> TrialRecord.ok(0, Map.of(), 0.5, Map.of(), -1));
        assertThrows(NullPointerException.class,
                () -> new TrialRecord(0, Map.of(), 0.5, Map.of(), 1, TrialRecord.Status.OK, null));
    }
}
