/**
 * Hyperparameter sweeps over distillation runs, driven by Arbiter: the search space over config keys
 * ({@link org.kd4j.hpo.SweepConfig}, {@link org.kd4j.hpo.Dimension}), its Arbiter parameter space
 * ({@link org.kd4j.hpo.SweepSpace}), the trial runner ({@link org.kd4j.hpo.Sweep}) and the results: one
 * {@link org.kd4j.hpo.TrialRecord} per trial, written by {@link org.kd4j.hpo.SweepResults} as JSON, CSV, Markdown
 * and score plots.
 */
package org.kd4j.hpo;
