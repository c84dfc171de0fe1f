package org.kd4j.distill.score;

import java.util.List;
import org.kd4j.data.glue.Example;

/**
 * Scores one chunk of examples with one teacher: a {@code [chunk.size()][C]} array of logits in chunk order. Every
 * implementation plans the chunk's inference batches the same way (the local path's planner over the chunk), so that
 * the logits are bit-identical whichever scored them.
 */
@FunctionalInterface
public interface ChunkScorer {

    float[][] score(List<Example> chunk);

    /** Makes the chunk scorer of a teacher. */
    @FunctionalInterface
    interface Factory {
        ChunkScorer of(ScoringTeacher teacher);
    }
}
