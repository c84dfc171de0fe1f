package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kd4j.KdException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class SparkOptionsTest {

    @Command(name = "probe")
    static final class Probe {
        @Mixin SparkOptions sparkOptions;
    }

    private static SparkOptions parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.sparkOptions;
    }

    @Test
    void theMasterGivenWins() {
        SparkOptions o = parse("--spark", "--master", "local[2]");
        assertTrue(o.enabled());
        assertTrue(o.masterGiven());
        assertEquals("local[2]", o.master());
    }

    @Test
    void withoutMasterSparkSubmitsMasterThenLocalStar() {
        String before = System.getProperty("spark.master");
        try {
            System.clearProperty("spark.master");
            SparkOptions o = parse("--spark");
            assertFalse(o.masterGiven());
            assertEquals("local[*]", o.master());
            System.setProperty("spark.master", "spark://cluster:7077"); // what spark-submit sets
            assertEquals("spark://cluster:7077", o.master());
        } finally {
            if (before == null) {
                System.clearProperty("spark.master");
            } else {
                System.setProperty("spark.master", before);
            }
        }
    }

    @Test
    void masterWithoutSparkIsRefusedByName() {
        SparkOptions o = parse("--master", "local[2]");
        assertFalse(o.enabled());
        KdException e = assertThrows(KdException.class, () -> o.requireSparkFor("--master"));
        assertEquals("--master: only with --spark", e.getMessage());
        parse("--spark", "--master", "local[2]").requireSparkFor("--master"); // no exception with --spark
    }
}
