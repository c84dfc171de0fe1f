package org.kd4j.distill;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.distill.train.TrainingCurve;
import org.kd4j.plot.DataPoint;
import org.kd4j.plot.PlotLibrary;
import org.kd4j.plot.Series;
import org.kd4j.plot.TrainingCurvePlot;
import org.kd4j.plot.TrainingCurves;

/**
 * The students' training curves of a run as one PNG beside its report: the training loss of every update (top) and
 * the dev metric after every epoch (bottom), one line per student variant. XChart is an optional dependency of kd4j:
 * where it is not on the class path (an application that pulled kd4j without it) the figure is skipped with one
 * warning, and the run is otherwise the same.
 */
final class CurveFigure {

    private static final Logger LOG = LogManager.getLogger(CurveFigure.class);
    private CurveFigure() {}

    /**
     * The figure's data: per curve, its finite training losses by update and its dev scores by epoch; curves without points are left out.
     *
     * @return empty when no curve has a training loss to draw
     */
    static Optional<TrainingCurves> of(String title, List<TrainingCurve> curves) {
        List<Series> losses = new ArrayList<>();
        List<Series> metrics = new ArrayList<>();
        String metric = "";
        for (TrainingCurve curve : curves) {
            List<DataPoint> loss = points(curve, TrainingCurve.Series.TRAIN_LOSS);
            if (loss.isEmpty()) {
                continue;
            }
            losses.add(new Series(curve.model(), loss));
            List<DataPoint> dev = curve.series(TrainingCurve.Series.DEV_METRIC).stream()
                    .filter(p -> Double.isFinite(p.value())).map(p -> new DataPoint(p.epoch(), p.value())).toList();
            if (!dev.isEmpty()) {
                metrics.add(new Series(curve.model(), dev));
                metric = "dev " + curve.devMetric();
            }
        }
        if (losses.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TrainingCurves(title, "update", losses, metric, metrics));
    }

    /**
     * Writes the figure to {@code png} (atomically) and returns the Markdown that links it from the report, or an
     * empty string when nothing was drawn (no points, or XChart absent).
     */
    static String write(String title, List<TrainingCurve> curves, Path png) {
        var figure = of(title, curves);
        if (figure.isEmpty()) {
            return "";
        }
        if (!PlotLibrary.available()) {
            LOG.warn("training curves not drawn: XChart ({}, an optional dependency of kd4j) is not on the class path",
                    PlotLibrary.ARTIFACT);
            return "";
        }
        try {
            TrainingCurvePlot.write(figure.get(), png);
        } catch (IOException e) {
            throw new KdException(png + ": cannot write the training curves: " + e.getMessage(), e);
        }
        return "![Training curves](" + png.getFileName() + ")\n";
    }

    private static List<DataPoint> points(TrainingCurve curve, TrainingCurve.Series series) {
        return curve.series(series).stream().filter(p -> Double.isFinite(p.value()))
                .map(p -> new DataPoint(p.step(), p.value())).toList();
    }
}
