package org.kd4j.config;

/** How the teacher stage trains the run's teachers ({@link TeacherStage#training()}). */
public enum TeacherTraining {

    /** Each teacher on its own, with its own head (the default, and what every run did before this option). */
    SEPARATE,

    /**
     * All the run's teachers together, MT-BERT's co-finetuning (Wu et al. 2021): every teacher's encoder feeds one
     * shared head (the pooler, when the pooling has one, and the classifier), and one joint step minimises the sum of
     * the teachers' losses on the same batch of rows. See {@link org.kd4j.distill.train.CoFinetuner}.
     */
    COFINETUNED
}
