package org.kd4j.bench.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EncoderShapeTest {

    @Test
    void presets() {
        assertEquals(new EncoderShape(6, 384, 12, 1536, 30522, 512, 2, 2), EncoderShape.allMiniLmL6());
        assertEquals(32, EncoderShape.allMiniLmL6().headSize());
        assertEquals(new EncoderShape(6, 256, 8, 1024, 30522, 512, 2, 2), EncoderShape.seadStudent());
    }

    @Test
    void errorsNameTheFieldTheExpectationAndTheValue() {
        assertEquals("EncoderShape.hidden: expected a multiple of heads (12), found 100",
                assertThrows(IllegalArgumentException.class,
                        () -> new EncoderShape(6, 100, 12, 1536, 30522, 512, 2, 2)).getMessage());
        assertEquals("EncoderShape.labels: expected at least 2, found 1",
                assertThrows(IllegalArgumentException.class,
                        () -> new EncoderShape(6, 384, 12, 1536, 30522, 512, 2, 1)).getMessage());
        assertEquals("EncoderShape.layers: expected at least 1, found 0",
                assertThrows(IllegalArgumentException.class,
                        () -> new EncoderShape(0, 384, 12, 1536, 30522, 512, 2, 2)).getMessage());
    }
}
