package org.kd4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.kd4j.data.tokenize.BertTokenizer;

/**
 * First pass of {@link SparkScoring}, on the executors: each partition tokenizes its sentences with the teacher's own
 * tokenizer and returns {@code [index, tokens]} pairs, from which the driver plans the batches ({@link BatchPlan}).
 */
final class PartitionLengths implements FlatMapFunction<Iterator<Row>, long[]> {

    private static final long serialVersionUID = 1L;

    private final TeacherSpec teacher;

    PartitionLengths(TeacherSpec teacher) {
        this.teacher = teacher;
    }

    @Override
    public Iterator<long[]> call(Iterator<Row> rows) {
        BertTokenizer tokenizer = ExecutorTeachers.get(teacher).tokenizer();
        List<long[]> out = new ArrayList<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            int tokens = tokenizer.encode(r.getString(1), r.isNullAt(2) ? null : r.getString(2), teacher.maxLength()).length();
            out.add(new long[] {r.getLong(0), tokens});
        }
        return out.iterator();
    }
}
