/**
 * Hyperparameter sweeps: one {@link org.kd4j.hpo.TrialRecord} per trial, and {@link org.kd4j.hpo.SweepResults}
 * to write a sweep's results (JSON, CSV, Markdown, score-vs-dimension plots) and read them back.
 */
package org.kd4j.hpo;
