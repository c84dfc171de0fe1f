package org.kd4j.spark;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;
import org.kd4j.data.glue.Example;
import org.kd4j.distill.ImportedTeacherModel;
import org.kd4j.distill.score.ChunkScorer;
import org.kd4j.distill.score.ScoringTeacher;

/**
 * The chunks of the {@code score} command scored on Spark ({@link SparkScoring}): the driver sends a chunk's texts to
 * the executors in {@code partitions} partitions; each tokenizes with the teacher's own tokenizer, the driver plans the
 * chunk's batches with the local path's planner, and the executors score them with the teacher they load once per JVM
 * from its model file (which every executor must be able to read: local disk in local mode, shared storage on a
 * cluster). On kd4j the logits are bit-identical to {@link ScoringTeacher#scoreLocally}'s. On ONNX Runtime
 * ({@code run.teacher_runtime: onnx_runtime}) each executor writes the teacher as ONNX and checks its session against
 * kd4j on the first batches it scores, as the local path does; the logits equal the local path's whenever ONNX Runtime
 * computes a batch the same way at the executor's thread count as at the driver's (checked in {@code SparkScoringTest}).
 */
public final class SparkChunkScorer implements ChunkScorer {

    private final SparkSession spark;
    private final TeacherSpec spec;
    private final int partitions;

    SparkChunkScorer(SparkSession spark, TeacherSpec spec, int partitions) {
        this.spark = Objects.requireNonNull(spark, "spark");
        this.spec = Objects.requireNonNull(spec, "spec");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions: expected at least 1, found " + partitions);
        }
        this.partitions = partitions;
    }

    /**
     * The factory of the {@code score --spark} command: each teacher's chunks scored on {@code spark} in
     * {@code partitions} partitions (0: Spark's default parallelism, the number of cores in local mode).
     */
    public static ChunkScorer.Factory factory(SparkSession spark, int partitions) {
        int n = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        return teacher -> new SparkChunkScorer(spark, spec(teacher), n);
    }

    /** What the executors need to load and run {@code teacher}, on the runtime it scores on in this JVM. */
    static TeacherSpec spec(ScoringTeacher teacher) {
        TeacherSpec.Kind kind = teacher.teacher().model() instanceof ImportedTeacherModel
                ? TeacherSpec.Kind.IMPORTED : TeacherSpec.Kind.NATIVE;
        return new TeacherSpec(teacher.teacher().model().file().toString(), teacher.teacher().tokenizerSpec(), teacher.task(),
                teacher.maxLength(), teacher.batchSize(), kind, teacher.name(), teacher.parallelism().workers(),
                teacher.runtime());
    }

    @Override
    public float[][] score(List<Example> chunk) {
        return SparkScoring.score(SparkScoring.examples(spark, chunk, partitions), chunk.size(), spec);
    }
}
