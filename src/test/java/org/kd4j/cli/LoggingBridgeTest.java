package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** DL4J/ND4J log through SLF4J: that output must land in Log4j2 (one backend, one log4j2.xml). */
class LoggingBridgeTest {

    @Test
    void slf4jIsBoundToLog4j2() {
        assertEquals("org.apache.logging.slf4j.Log4jLoggerFactory", LoggerFactory.getILoggerFactory().getClass().getName());
    }
}
