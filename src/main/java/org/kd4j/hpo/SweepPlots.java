package org.kd4j.hpo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import org.kd4j.plot.DataPoint;
import org.kd4j.plot.Scatter;

/**
 * A sweep's trials as the data of its plots: one {@link Scatter} of the score against each swept key.
 *
 * <p>One dot per OK trial that has a value for the key. A key whose values are all numbers (real or integer) gets
 * a numeric x axis; any other key is categorical, its distinct values sorted as text. The best trial, when it is
 * among the dots, is the highlighted one.
 */
final class SweepPlots {

    private SweepPlots() {
    }

    /**
     * @param trials every trial of the sweep (failed ones, ones with an infinite score and ones without
     *        {@code key} are left out)
     * @param best the best trial
     */
    static Scatter scoreAgainst(String key, String objectiveName, List<TrialRecord> trials,
                                Optional<TrialRecord> best) {
        List<TrialRecord> shown = trials.stream().filter(t -> t.isOk() && Double.isFinite(t.score()) && t.values().containsKey(key)).toList();
        boolean numeric = shown.stream().allMatch(t -> number(t.values().get(key)).isPresent());
        List<String> categories = numeric ? List.of()
                : List.copyOf(new TreeSet<>(shown.stream().map(t -> t.values().get(key).text()).toList()));
        TrialRecord highlighted = best.filter(shown::contains).orElse(null);
        List<DataPoint> points = new ArrayList<>();
        for (TrialRecord t : shown) {
            if (t != highlighted) {
                points.add(point(t, key, categories));
            }
        }
        Optional<Scatter.Highlight> highlight = Optional.ofNullable(highlighted).map(h -> new Scatter.Highlight(
                point(h, key, categories), String.format(Locale.ROOT, "best: trial %d (%.4f)", h.index(), h.score())));
        return new Scatter(objectiveName + " vs " + key, key, objectiveName, categories, "trials", points,
                highlight);
    }

    private static DataPoint point(TrialRecord t, String key, List<String> categories) {
        TrialValue v = t.values().get(key);
        double x = categories.isEmpty() ? number(v).orElseThrow() : categories.indexOf(v.text());
        return new DataPoint(x, t.score());
    }

    private static Optional<Double> number(TrialValue v) {
        if (v instanceof TrialValue.Real r) {
            return Optional.of(r.value());
        }
        if (v instanceof TrialValue.Int i) {
            return Optional.of((double) i.value());
        }
        return Optional.empty();
    }
}
