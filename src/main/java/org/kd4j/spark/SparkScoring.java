package org.kd4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.kd4j.KdException;
import org.kd4j.data.glue.Example;
import scala.Tuple2;

/**
 * Teacher scoring on Spark, driver side (skeleton of issue 15's {@code score --spark}).
 *
 * <ol>
 *   <li>The executors tokenize every partition with the teacher's tokenizer and send back each sentence's length
 *       ({@link PartitionLengths}: two numbers a sentence).</li>
 *   <li>The driver plans the batches with the local path's planner ({@link BatchPlan}) and broadcasts the plan.</li>
 *   <li>The sentences are shuffled so that each partition holds whole batches, and the executors score them
 *       ({@link PartitionScorer}).</li>
 *   <li>The driver collects the logits and puts them back in index order, checking that every index came back exactly
 *       once.</li>
 * </ol>
 */
public final class SparkScoring {

    private SparkScoring() {}

    /** {@code sentences} as indexed rows ({@link PartitionScorer#INPUT}) in {@code partitions} partitions. */
    public static Dataset<Row> sentences(SparkSession spark, List<String> sentences, int partitions) {
        List<Row> rows = new ArrayList<>(sentences.size());
        for (int i = 0; i < sentences.size(); i++) {
            rows.add(RowFactory.create((long) i, sentences.get(i), null));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, partitions), PartitionScorer.INPUT);
    }

    /** {@code examples} (their texts, a pair's second text or null) as indexed rows in {@code partitions} partitions. */
    public static Dataset<Row> examples(SparkSession spark, List<Example> examples, int partitions) {
        List<Row> rows = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            rows.add(RowFactory.create((long) i, examples.get(i).textA(), examples.get(i).textB()));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, Math.max(1, Math.min(partitions, rows.size()))),
                PartitionScorer.INPUT);
    }

    /**
     * The logits of {@code teacher} on {@code sentences} ({@code count} rows indexed 0..count-1), in index order,
     * bit-identical to scoring them locally with the same batch size; scored in as many partitions as the input has.
     */
    public static float[][] score(Dataset<Row> sentences, int count, TeacherSpec teacher) {
        return score(sentences, count, teacher, (s, plan) -> new PartitionScorer(s, plan));
    }

    /** How the scoring function of a partition is made (tests wrap {@link PartitionScorer} to inject failures). */
    @FunctionalInterface
    interface ScorerFactory {
        FlatMapFunction<java.util.Iterator<Row>, Row> make(TeacherSpec teacher, Broadcast<BatchPlan> plan);
    }

    static float[][] score(Dataset<Row> sentences, int count, TeacherSpec teacher, ScorerFactory scorers) {
        JavaRDD<Row> rows = sentences.javaRDD();
        int partitions = rows.getNumPartitions();
        int[] lengths = new int[count];
        boolean[] seen = new boolean[count];
        for (long[] pair : collected(() -> rows.mapPartitions(new PartitionLengths(teacher)).collect(), teacher)) {
            int index = checkedIndex(pair[0], count);
            if (seen[index]) {
                throw new KdException("spark scoring: index " + index + " appears twice in the input");
            }
            seen[index] = true;
            lengths[index] = (int) pair[1];
        }
        requireAll(seen, "in the input");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sentences.sparkSession().sparkContext());
        Broadcast<BatchPlan> plan = jsc.broadcast(BatchPlan.of(lengths, teacher.batchSize(), partitions));
        try {
            List<Row> scored = collected(() -> rows.mapToPair(new ByGroup(plan))
                    .partitionBy(new HashPartitioner(plan.value().groups()))
                    .values()
                    .mapPartitions(scorers.make(teacher, plan))
                    .collect(), teacher);
            float[][] out = new float[count][];
            boolean[] back = new boolean[count];
            for (Row r : scored) {
                int index = checkedIndex(r.getLong(0), count);
                if (back[index]) {
                    throw new KdException("spark scoring: index " + index + " came back twice");
                }
                back[index] = true;
                Float[] logits = (Float[]) r.get(1);
                float[] row = new float[logits.length];
                for (int c = 0; c < row.length; c++) {
                    row[c] = logits[c];
                }
                out[index] = row;
            }
            requireAll(back, "among the scored rows (" + scored.size() + " of " + count + " came back)");
            return out;
        } finally {
            plan.destroy();
        }
    }

    /**
     * What {@code job} collects. A job that fails on a {@link KdException} of an executor (a teacher file that does not
     * fit the task, ONNX Runtime's logits disagreeing with kd4j's) fails with that exception's message, naming the
     * teacher, rather than with Spark's wrapper of it.
     */
    private static <T> List<T> collected(java.util.function.Supplier<List<T>> job, TeacherSpec teacher) {
        try {
            return job.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) { // SparkException, which the Java API does not declare
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof KdException kd) {
                    throw new KdException("spark scoring, teacher " + teacher.name() + ": " + kd.getMessage(), e);
                }
            }
            throw new IllegalStateException("spark scoring, teacher " + teacher.name() + ": " + e.getMessage(), e);
        }
    }

    /** Keys a sentence by the partition that scores its batch. */
    private static final class ByGroup implements org.apache.spark.api.java.function.PairFunction<Row, Integer, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<BatchPlan> plan;

        ByGroup(Broadcast<BatchPlan> plan) {
            this.plan = plan;
        }

        @Override
        public Tuple2<Integer, Row> call(Row r) {
            return new Tuple2<>(plan.value().group(r.getLong(0)), r);
        }
    }

    private static int checkedIndex(long index, int count) {
        if (index < 0 || index >= count) {
            throw new KdException("spark scoring: index " + index + " outside 0.." + (count - 1));
        }
        return (int) index;
    }

    private static void requireAll(boolean[] present, String where) {
        for (int i = 0; i < present.length; i++) {
            if (!present[i]) {
                throw new KdException("spark scoring: index " + i + " is missing " + where);
            }
        }
    }
}
