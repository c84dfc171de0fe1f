package org.kd4j.quality;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kd4j.eval.Metric;

/**
 * How much cell time the selected cells still need, estimated from the wall times of the plan's finished cells (in the
 * run directories or the results ledger). A cell to run takes the median time of the finished cells with its task,
 * student and cell, whatever their seed. A plain cell (cross-entropy, one teacher, the ensemble) with none of those takes
 * the median of the finished plain cells of its task and student: they train the same student on the same rows, and read
 * the teachers' logits from the cache. A method cell with no finished seed has no estimate. Not included: fine-tuning a
 * task's teachers and labelling a new augmented transfer set, which happen once, before the first cell that needs them.
 *
 * @param toRun the selected cells that are not done
 * @param estimated how many of them have an estimate
 * @param seconds their estimated cell time, summed
 */
public record TimeLeft(int toRun, int estimated, double seconds) {

    public TimeLeft {
        if (toRun < 0 || estimated < 0 || estimated > toRun || !(seconds >= 0)) {
            throw new IllegalArgumentException("toRun " + toRun + ", estimated " + estimated + ", seconds " + seconds);
        }
    }

    /**
     * @param selected the cells of the selection, all of them cells of {@code plan}
     * @param plan every cell of the plan (the finished ones give the times, and which selected cells are done)
     */
    public static TimeLeft of(List<QualityCell> selected, List<QualityCell> plan) {
        Map<String, List<Double>> byCell = new HashMap<>();
        Map<String, List<Double>> plainByStudent = new HashMap<>();
        // each cell's status once (it reads its files and hashes its configuration); the selection is of the same plan
        Set<String> done = new HashSet<>();
        for (QualityCell c : plan) {
            if (c.status() != QualityCell.Status.DONE) {
                continue;
            }
            done.add(c.key());
            double s = c.result(Metric.mainFor(c.task())).seconds();
            byCell.computeIfAbsent(cellKey(c), k -> new ArrayList<>()).add(s);
            if (c.cell().kind() != CellKind.METHOD) {
                plainByStudent.computeIfAbsent(studentKey(c), k -> new ArrayList<>()).add(s);
            }
        }
        int toRun = 0;
        int estimated = 0;
        double seconds = 0;
        for (QualityCell c : selected) {
            if (done.contains(c.key())) {
                continue;
            }
            toRun++;
            List<Double> peers = byCell.get(cellKey(c));
            if (peers == null && c.cell().kind() != CellKind.METHOD) {
                peers = plainByStudent.get(studentKey(c));
            }
            if (peers != null) {
                estimated++;
                seconds += org.kd4j.util.Medians.of(peers.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        return new TimeLeft(toRun, estimated, seconds);
    }

    /** One line, e.g. {@code about 1h 45m of cell time for 17 of the 18 cell(s) to run (1 has no finished peer, so no estimate), ...}. */
    public String describe() {
        if (toRun == 0) {
            return "nothing to run";
        }
        if (estimated == 0) {
            return "no estimate for the " + toRun + " cell(s) to run: none has a finished peer (the same task, student and cell,"
                    + " or for a plain cell a finished plain cell of its task and student)";
        }
        String missing = estimated == toRun ? "" : String.format(Locale.ROOT, " (%d %s no finished peer, so no estimate)",
                toRun - estimated, toRun - estimated == 1 ? "has" : "have");
        return String.format(Locale.ROOT, "about %s of cell time for %s %d cell(s) to run%s, at the median time of their"
                        + " finished peers; teacher fine-tuning and new transfer-set labelling not included",
                org.kd4j.util.Durations.compact(seconds), estimated == toRun ? "the" : estimated + " of the", toRun, missing);
    }

    private static String cellKey(QualityCell c) {
        return c.task().displayName() + "/" + c.student() + "/" + c.cell().id();
    }

    private static String studentKey(QualityCell c) {
        return c.task().displayName() + "/" + c.student();
    }

}
