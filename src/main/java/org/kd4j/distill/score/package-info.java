/**
 * Teacher scoring on its own (the {@code score} command): every teacher of a run scores a transfer file or one of the
 * task's splits, a chunk at a time, resumable, and its logits go into the logit cache under exactly the key a
 * distillation run reads ({@link org.kd4j.distill.score.TeacherScoring}). How a chunk is scored is pluggable
 * ({@link org.kd4j.distill.score.ChunkScorer}): here in this JVM, or on Spark ({@code org.kd4j.spark}).
 */
package org.kd4j.distill.score;
