package org.kd4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.Example;

/**
 * Scores one partition of indexed sentences with one teacher, on an executor: tokenizes them with the teacher's own
 * tokenizer, scores them in the batches the driver planned ({@link BatchPlan}, the local path's batches, split over the
 * same number of inference workers on kd4j; on ONNX Runtime by the executor's session) and returns
 * one row of logits per sentence, carrying the sentence's index so that the driver can put the results back in input
 * order whatever the partitioning, the task order or the retries.
 *
 * <p>The teacher comes from {@link ExecutorTeachers} (loaded once per executor JVM); this function holds only its
 * {@link TeacherSpec} and the broadcast plan. A task that fails returns nothing: Spark keeps the output of a task's
 * successful attempt only, so a retried partition is neither lost nor counted twice.
 */
public final class PartitionScorer implements FlatMapFunction<Iterator<Row>, Row> {

    private static final long serialVersionUID = 1L;

    /** Input rows: {@code index} (the sentence's position in its file), {@code text_a}, {@code text_b} (null unless a pair). */
    public static final StructType INPUT = new StructType()
            .add("index", DataTypes.LongType, false)
            .add("text_a", DataTypes.StringType, false)
            .add("text_b", DataTypes.StringType, true);

    /** Output rows: {@code index} and the teacher's {@code logits} for that sentence. */
    public static final StructType OUTPUT = new StructType()
            .add("index", DataTypes.LongType, false)
            .add("logits", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private final TeacherSpec teacher;
    private final Broadcast<BatchPlan> plan;

    PartitionScorer(TeacherSpec teacher, Broadcast<BatchPlan> plan) {
        this.teacher = teacher;
        this.plan = plan;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        BatchPlan p = plan.value();
        List<Long> indices = new ArrayList<>();
        List<Example> examples = new ArrayList<>();
        // batch number -> this partition's rows of it, at their planned positions
        Map<Integer, int[]> batches = new TreeMap<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            long index = r.getLong(0);
            int local = indices.size();
            indices.add(index);
            examples.add(new Example(Long.toString(index), 0, r.getString(1), r.isNullAt(2) ? null : r.getString(2),
                    Example.NO_LABEL, Double.NaN));
            int b = p.batchOf()[(int) index];
            batches.computeIfAbsent(b, k -> new int[p.sizes()[k]])[p.position()[(int) index]] = local;
        }
        if (examples.isEmpty()) {
            return java.util.Collections.emptyIterator();
        }
        ExecutorTeachers.Loaded loaded = ExecutorTeachers.get(teacher);
        EncodedDataset encoded = EncodedDataset.encode(teacher.task(), examples, loaded.tokenizer(), teacher.maxLength());
        List<Row> out = new ArrayList<>(examples.size());
        try {
            List<int[]> planned = new ArrayList<>(batches.values());
            List<float[][]> scored = loaded.logits(encoded, planned);
            for (int b = 0; b < planned.size(); b++) {
                int[] batch = planned.get(b);
                float[][] logits = scored.get(b);
                for (int i = 0; i < batch.length; i++) {
                    Float[] boxed = new Float[logits[i].length];
                    for (int c = 0; c < boxed.length; c++) {
                        boxed[c] = logits[i][c];
                    }
                    out.add(RowFactory.create(indices.get(batch[i]), boxed));
                }
            }
        } finally {
            loaded.releaseInferenceMemory();
        }
        return out.iterator();
    }
}
