package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.distill.train.TrainingCurve;
import org.kd4j.distill.train.TrainingCurve.Point;
import org.kd4j.distill.train.TrainingCurve.Series;
import org.kd4j.plot.TrainingCurves;

/** {@link CurveFigure}: which points of the students' curves reach the figure. */
class CurveFigureTest {

    @Test
    void eachStudentIsALineOfLossesByUpdateAndOfDevScoresByEpoch() {
        TrainingCurve ce = new TrainingCurve("student, cross-entropy only", "accuracy", 2, List.of(
                new Point(Series.TRAIN_LOSS, 0, 1, 0.70), new Point(Series.TRAIN_LOSS, 1, 1, 0.60),
                new Point(Series.EPOCH_TRAIN_LOSS, 2, 1, 0.65), new Point(Series.DEV_METRIC, 2, 1, 0.55),
                new Point(Series.TRAIN_LOSS, 2, 2, Double.NaN), new Point(Series.TRAIN_LOSS, 3, 2, 0.50),
                new Point(Series.DEV_METRIC, 4, 2, 0.61)));
        TrainingCurve empty = new TrainingCurve("student, distilled from ensemble", "accuracy", 2, List.of());
        TrainingCurves figure = CurveFigure.of("SST-2", List.of(ce, empty)).orElseThrow();
        assertEquals(1, figure.losses().size(), "a curve without points is left out");
        var losses = figure.losses().get(0).points();
        assertEquals(3, losses.size(), "the non-finite loss is dropped, the epoch means are not per-update losses");
        assertEquals(3.0, losses.get(2).x());
        assertEquals(0.50, losses.get(2).y());
        var dev = figure.metrics().get(0).points();
        assertEquals(List.of(1.0, 2.0), dev.stream().map(p -> p.x()).toList());
        assertEquals(List.of(0.55, 0.61), dev.stream().map(p -> p.y()).toList());
        assertEquals("dev accuracy", figure.metric());
    }

    @Test
    void nothingToDrawGivesNoFigureAndNoLink() {
        assertTrue(CurveFigure.of("SST-2", List.of()).isEmpty());
        assertEquals("", CurveFigure.write("SST-2", List.of(), java.nio.file.Path.of("unused.png")));
    }
}
