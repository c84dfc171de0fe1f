package org.kd4j.config;

import org.kd4j.ConfigException;

/**
 * Options of the teacher stage as a whole (what applies to each teacher is in {@link TeacherConfig}).
 *
 * <pre>
 * teacher_stage:
 *   training: cofinetuned   # separate (default) | cofinetuned
 * </pre>
 *
 * <p>{@code separate}: every teacher is trained or fine-tuned on its own, as before (cache keys unchanged).
 * {@code cofinetuned}: all the run's teachers are fine-tuned together with one shared head, MT-BERT's co-finetuning
 * ({@link org.kd4j.distill.train.CoFinetuner}). Every teacher takes part, so every teacher must be trained here on
 * kd4j's transformer: fine-tuned from an encoder ({@code init:}) or a transformer trained from scratch
 * ({@code model.type: transformer}); an imported teacher, a CNN or BiLSTM teacher, or a single teacher is a config
 * error. The teachers train in one joint run, so their {@code train} sections must be equal; their shared layers must
 * have the same shapes (the same hidden size and pooling), checked when their models are built, before any training
 * and before the run directory is written. Each co-finetuned teacher is then cached as an ordinary teacher (its
 * encoder and a copy of the shared head) under a key that includes its partners and this option.
 *
 * @param training separate (default) or cofinetuned
 */
public record TeacherStage(TeacherTraining training) {

    public TeacherStage {
        if (training == null) {
            throw ConfigException.invalid("training", null, "separate or cofinetuned");
        }
    }

    public boolean cofinetuned() {
        return training == TeacherTraining.COFINETUNED;
    }

    public static TeacherStage defaults() {
        return new TeacherStage(TeacherTraining.SEPARATE);
    }
}
