package org.kd4j.distill.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kd4j.ConfigException;

class TemperatureScheduleTest {

    @Test
    void constant() {
        TemperatureSchedule s = TemperatureSchedule.constant(2.0);
        assertEquals(2.0, s.at(0));
        assertEquals(2.0, s.at(1_000_000));
    }

    @Test
    void linearRampThenEnd() {
        TemperatureSchedule s = TemperatureSchedule.linear(4.0, 1.0, 10);
        assertEquals(4.0, s.at(0), 1e-15);
        assertEquals(2.5, s.at(5), 1e-15); // 4 + (1 - 4) * 5/10
        assertEquals(1.3, s.at(9), 1e-15); // 4 - 3 * 0.9
        assertEquals(1.0, s.at(10), 1e-15);
        assertEquals(1.0, s.at(11), 1e-15);
    }

    @Test
    void validates() {
        ConfigException e = assertThrows(ConfigException.class, () -> new TemperatureSchedule(0, 1, 5));
        assertTrue(e.getMessage().startsWith("start = 0.0 is out of range"), e.getMessage());
        assertThrows(ConfigException.class, () -> new TemperatureSchedule(1, -1, 5));
        assertThrows(ConfigException.class, () -> new TemperatureSchedule(1, Double.NaN, 5));
        assertThrows(ConfigException.class, () -> new TemperatureSchedule(1, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> TemperatureSchedule.constant(1).at(-1));
    }
}
