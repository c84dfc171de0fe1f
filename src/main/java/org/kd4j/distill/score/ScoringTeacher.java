package org.kd4j.distill.score;

import java.util.List;
import java.util.Objects;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.distill.TeacherPool;
import org.kd4j.util.Parallelism;

/**
 * A teacher with everything scoring needs: the pool's teacher (model file, model, tokenizer and its spec), the task, the
 * run's max length, the inference batch size a distillation run scores with, and the run's parallelism.
 */
public record ScoringTeacher(TeacherPool.Scorer teacher, GlueTask task, int maxLength, int batchSize, Parallelism parallelism) {

    public ScoringTeacher {
        Objects.requireNonNull(teacher, "teacher");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(parallelism, "parallelism");
    }

    public String name() {
        return teacher.name();
    }

    /** The chunk scored in this JVM, as a distillation run scores a data set: the same planner, batches and workers. */
    public float[][] scoreLocally(List<Example> chunk) {
        EncodedDataset encoded = EncodedDataset.encode(task, chunk, teacher.tokenizer(), maxLength);
        return teacher.model().logits(encoded, batchSize, teacher.tokenizer().padId(), parallelism);
    }
}
