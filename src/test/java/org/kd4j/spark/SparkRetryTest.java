package org.kd4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;

/**
 * Spark's task retry in local mode: {@code local[2,3]} (two task threads, up to three attempts per task; plain
 * {@code local[2]} never retries). A scoring task that fails on its first attempt, after having produced part of its
 * rows, is run again, and the result has every sentence exactly once with the local path's logits.
 */
class SparkRetryTest {

    /** Failures injected so far (tasks run in this JVM in local mode). */
    private static final AtomicInteger INJECTED = new AtomicInteger();

    private static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSessions.start("local[2,3]", Map.of());
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** Partition 1's first attempt emits 3 rows, then its executor "fails". */
    private static final class FailsFirstAttempt implements FlatMapFunction<Iterator<Row>, Row> {
        private static final long serialVersionUID = 1L;
        private final FlatMapFunction<Iterator<Row>, Row> scorer;

        FailsFirstAttempt(FlatMapFunction<Iterator<Row>, Row> scorer) {
            this.scorer = scorer;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) throws Exception {
            Iterator<Row> scored = scorer.call(rows);
            TaskContext task = TaskContext.get();
            if (task.partitionId() != 1 || task.attemptNumber() != 0) {
                return scored;
            }
            return new Iterator<>() {
                private int emitted;

                @Override
                public boolean hasNext() {
                    return scored.hasNext();
                }

                @Override
                public Row next() {
                    if (emitted++ == 3) {
                        INJECTED.incrementAndGet();
                        throw new IllegalStateException("injected executor failure (partition 1, attempt 0)");
                    }
                    return scored.next();
                }
            };
        }
    }

    /** Emits every row of partition 0 twice: the driver must refuse the result. */
    private static final class Duplicates implements FlatMapFunction<Iterator<Row>, Row> {
        private static final long serialVersionUID = 1L;
        private final FlatMapFunction<Iterator<Row>, Row> scorer;

        Duplicates(FlatMapFunction<Iterator<Row>, Row> scorer) {
            this.scorer = scorer;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) throws Exception {
            List<Row> out = new ArrayList<>();
            scorer.call(rows).forEachRemaining(out::add);
            if (TaskContext.get().partitionId() == 0) {
                out.addAll(new ArrayList<>(out));
            }
            return out.iterator();
        }
    }

    @Test
    void aFailedTaskIsRetriedWithoutLosingOrDuplicatingRows() {
        TeacherSpec teacher = TinyTeachers.save(dir).get(1);
        List<String> sentences = TinyTeachers.sentences(200, 5);
        Dataset<Row> rows = SparkScoring.sentences(spark, sentences, 4);
        try {
            float[][] local = TinyTeachers.scoreLocally(teacher, sentences);
            int before = INJECTED.get();
            float[][] distributed = SparkScoring.score(rows, sentences.size(), teacher,
                    (spec, plan) -> new FailsFirstAttempt(new PartitionScorer(spec, plan)));
            assertEquals(1, INJECTED.get() - before, "one first attempt failed");
            assertEquals(sentences.size(), distributed.length);
            for (int i = 0; i < local.length; i++) {
                assertArrayEquals(local[i], distributed[i], 0f, "row " + i);
            }
            assertEquals(1, ExecutorTeachers.loads(teacher), "the retry reuses the JVM's teacher");

            KdException e = assertThrows(KdException.class, () -> SparkScoring.score(rows, sentences.size(), teacher,
                    (spec, plan) -> new Duplicates(new PartitionScorer(spec, plan))));
            assertTrue(e.getMessage().matches("spark scoring: index \\d+ came back twice"), e.getMessage());
        } finally {
            ExecutorTeachers.release(teacher);
        }
    }
}
