package org.kd4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;

/**
 * Teacher scoring in Spark's local mode with two task threads ({@code local[2]}): the logits of two tiny teachers on
 * 300 sentences in 5 partitions equal the local path's bit for bit, in input order, and each teacher is loaded once in
 * this (driver-and-executor) JVM whatever the number of partitions and passes.
 */
class SparkScoringTest {

    private static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSessions.start("local[2]", Map.of());
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void logitsEqualLocalScoringBitForBitAndEachTeacherLoadsOnce() {
        List<TeacherSpec> teachers = TinyTeachers.save(dir);
        List<String> sentences = TinyTeachers.sentences(300, 11);
        Dataset<Row> rows = SparkScoring.sentences(spark, sentences, 5);
        try {
            for (TeacherSpec teacher : teachers) {
                float[][] local = TinyTeachers.scoreLocally(teacher, sentences);
                for (int pass = 0; pass < 2; pass++) {
                    float[][] distributed = SparkScoring.score(rows, sentences.size(), teacher);
                    assertEquals(local.length, distributed.length);
                    for (int i = 0; i < local.length; i++) {
                        assertArrayEquals(local[i], distributed[i], 0f, "row " + i + " of " + teacher.modelFile());
                    }
                }
                assertEquals(1, ExecutorTeachers.loads(teacher), "5 partitions, 2 passes: loaded once in this JVM");
            }
        } finally {
            teachers.forEach(ExecutorTeachers::release);
        }
    }

    @Test
    void aSessionOnAnotherMasterIsRefused() {
        KdException e = assertThrows(KdException.class, () -> SparkSessions.start("local[3]", Map.of()));
        assertEquals("spark master local[3]: a session on local[2] is already running in this JVM; stop it first", e.getMessage());
    }
}
