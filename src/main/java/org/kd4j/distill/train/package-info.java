/**
 * The training loop shared by teachers (cross-entropy only) and students (distillation): AdamW with linear
 * warm-up and decay, gradient clipping, per-epoch dev evaluation with best-model keeping and early stopping,
 * atomic resumable checkpoints, NaN/Inf detection, progress reporting.
 */
package org.kd4j.distill.train;
