/**
 * PNG charts drawn with XChart from plain data: sweep score plots ({@link org.kd4j.plot.ScatterPlot} of a
 * {@link org.kd4j.plot.Scatter}) and training curves ({@link org.kd4j.plot.TrainingCurvePlot} of
 * {@link org.kd4j.plot.TrainingCurves}).
 *
 * <p>The package depends on nothing of kd4j but {@code util}, and XChart is an optional dependency of kd4j: the
 * CLI and sweeps draw plots, an application that embeds a student through {@code org.kd4j.api} never loads this
 * package and does not need XChart on its classpath. No class here sets process-wide state (AWT's headless mode is
 * the entry point's choice).
 */
package org.kd4j.plot;
