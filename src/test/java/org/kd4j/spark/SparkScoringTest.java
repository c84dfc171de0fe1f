package org.kd4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.kd4j.config.TeacherRuntime;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.export.ExportCheck;
import org.kd4j.util.Parallelism;

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

    /**
     * On ONNX Runtime each executor writes the teacher as ONNX and scores with one intra-op thread (one worker); the
     * local path's session has two. The logits are equal bit for bit all the same, in input order, and within the export
     * bar of kd4j's.
     */
    @Test
    void onOnnxRuntimeLogitsEqualLocalScoringBitForBit() {
        List<TeacherSpec> teachers = TinyTeachers.save(dir.resolve("ort"), TeacherRuntime.ONNX_RUNTIME);
        List<String> sentences = TinyTeachers.sentences(300, 13);
        Dataset<Row> rows = SparkScoring.sentences(spark, sentences, 5);
        try {
            for (TeacherSpec teacher : teachers) {
                assertEquals(1, teacher.workers());
                float[][] local = TinyTeachers.scoreLocally(teacher, sentences, new Parallelism(1, 2, 0));
                float[][] distributed = SparkScoring.score(rows, sentences.size(), teacher);
                assertEquals(local.length, distributed.length);
                for (int i = 0; i < local.length; i++) {
                    assertArrayEquals(local[i], distributed[i], 0f, "row " + i + " of " + teacher.modelFile());
                }
                ExportCheck check = ExportCheck.compare(TinyTeachers.scoreLocally(teacher, sentences), distributed);
                assertTrue(check.passes(), check.describe());
                assertEquals(1, ExecutorTeachers.loads(teacher));
            }
        } finally {
            teachers.forEach(ExecutorTeachers::release);
        }
    }

    /** A teacher that does not fit the task fails on the executors; the driver reports the executor's message. */
    @Test
    void anExecutorsInputErrorReachesTheDriverAsItsOwnMessage() {
        TeacherSpec sst2 = TinyTeachers.save(dir.resolve("mismatch")).get(0);
        TeacherSpec mnli = new TeacherSpec(sst2.modelFile(), sst2.tokenizer(), GlueTask.MNLI, sst2.maxLength(), sst2.batchSize(),
                TeacherRuntime.ONNX_RUNTIME);
        List<String> sentences = TinyTeachers.sentences(20, 17);
        KdException e = assertThrows(KdException.class,
                () -> SparkScoring.score(SparkScoring.sentences(spark, sentences, 2), sentences.size(), mnli));
        assertEquals("spark scoring, teacher teacher-0.kdm: spark teacher " + mnli.modelFile()
                + ": expects 2 labels, task MNLI has 3", e.getMessage());
        assertEquals(0, ExecutorTeachers.loads(mnli));
    }

    @Test
    void aMasterSparkCannotParseIsRefusedBeforeSparkStarts() {
        for (String bad : new String[] {"bogus[2]", "local[0]", "local[two]", "spark:/host"}) {
            KdException e = assertThrows(KdException.class, () -> SparkSessions.start(bad, Map.of()));
            assertTrue(e.getMessage().startsWith("spark master '" + bad + "': expected local, local[N]"), e.getMessage());
        }
    }

    @Test
    void aSessionOnAnotherMasterIsRefused() {
        KdException e = assertThrows(KdException.class, () -> SparkSessions.start("local[3]", Map.of()));
        assertEquals("spark master local[3]: a session on local[2] is already running in this JVM; stop it first", e.getMessage());
    }
}
