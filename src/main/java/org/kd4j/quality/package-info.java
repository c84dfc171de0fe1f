/**
 * The quality benchmark: a plan ({@link org.kd4j.quality.QualityPlan}, {@code hparams/quality/}) of tasks, teachers,
 * students, cells and seeds; each (task, student, cell, seed) is one distillation run in its own run directory, skipped
 * once finished, so the benchmark is completed over several invocations ({@link org.kd4j.quality.QualityBenchmark}); and
 * the Markdown report over every finished cell: mean and standard deviation per cell and student, the teachers' and
 * ensemble's own scores, times, and the benchmark's goals ({@link org.kd4j.quality.QualityReport}).
 *
 * <p>Depends on {@code config} and {@code distill}; nothing depends on it but the command line.
 */
package org.kd4j.quality;
