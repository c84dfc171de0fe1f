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
        Map<String, TrialValue> values = new HashMap<>(Map.of("lr", new TrialValue.Real(1e-3)));
        TrialRecord t = TrialRecord.ok(0, values, 0.8, Map.of(), 1.0);
        values.put("lr", new TrialValue.Real(1.0));
        assertEquals(new TrialValue.Real(1e-3), t.values().get("lr"));
        assertThrows(UnsupportedOperationException.class, () -> t.values().put("x", new TrialValue.Int(1)));
    }

    @Test
    void rejectsInconsistentOrUnsupportedValues() {
        assertThrows(IllegalArgumentException.class,
                () -> new TrialRecord(0, Map.of(), Double.NaN, Map.of(), 1, TrialRecord.Status.OK, ""));
        assertThrows(IllegalArgumentException.class,
                () -> new TrialRecord(0, Map.of(), 0.5, Map.of(), 1, TrialRecord.Status.FAILED, "boom"));
        // values other than a real, an integer or a categorical string no longer compile (TrialValue is sealed);
        // what remains to reject at run time is a real that is not a number, and a missing value
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrialValue.Real(Double.NaN));
        assertTrue(e.getMessage().contains("expected a finite number, found NaN"), e.getMessage());
        Map<String, TrialValue> withNull = new HashMap<>();
        withNull.put("steps", null);
        e = assertThrows(IllegalArgumentException.class, () -> TrialRecord.ok(0, withNull, 0.5, Map.of(), 1));
        assertTrue(e.getMessage().contains("values: null key or value (steps -> null)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrialRecord.ok(-1, Map.of(), 0.5, Map.of(), 1));
        assertThrows(IllegalArgumentException.class, () -> TrialRecord.ok(0, Map.of(), 0.5, Map.of(), -1));
        assertThrows(NullPointerException.class,
                () -> new TrialRecord(0, Map.of(), 0.5, Map.of(), 1, TrialRecord.Status.OK, null));
    }

    @Test
    void valuesWriteTheirOverrideText() {
        Dimension lr = new Dimension("student.train.learning_rate", DimensionType.LOG_UNIFORM, 1e-4, 1e-2, null);
        assertEquals("student.train.learning_rate=0.001", lr.override(new TrialValue.Real(1e-3)));
        assertEquals("3", new TrialValue.Int(3).text());
        assertEquals("mean", new TrialValue.Choice("mean").text());
    }

    @Test
    void aDimensionTypesArbitersLeafValues() {
        Dimension lr = new Dimension("lr", DimensionType.LOG_UNIFORM, 1e-4, 1e-2, null);
        assertEquals(1e-3, ((TrialValue.Real) lr.value(Math.log(1e-3))).value(), 1e-15);
        Dimension layers = new Dimension("layers", DimensionType.INTEGER, 1, 4, null);
        assertEquals(new TrialValue.Int(2), layers.value(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layers.value(2.0));
        assertTrue(e.getMessage().contains("sweep dimension 'layers' (integer): expected a Integer from Arbiter,"
                + " found Double 2.0"), e.getMessage());
        Dimension pooling = new Dimension("pooling", DimensionType.CATEGORICAL, 0, 0, java.util.List.of("mean", "max"));
        assertEquals(java.util.List.of(new TrialValue.Choice("mean"), new TrialValue.Choice("max")), pooling.extremes());
        assertEquals(java.util.List.of(new TrialValue.Int(1), new TrialValue.Int(4)), layers.extremes());
    }
}
