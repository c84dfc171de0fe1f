package org.kd4j.hpo;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.kd4j.ConfigException;

/**
 * A sweep, as written in {@code hparams/sweeps/*.yaml}.
 *
 * @param base the run preset every trial starts from
 * @param set fixed {@code key=value} overrides applied to every trial (before the swept values)
 * @param search random or grid
 * @param trials maximum number of trials
 * @param timeBudgetMinutes stop starting trials after this long (0: no limit)
 * @param parallelism trials run at once (they share the machine's cores)
 * @param gridPoints values per numeric dimension in grid search
 * @param objective what is optimised
 * @param dir where trials, results and the best run go
 * @param seed seed of the candidate generator
 * @param dimensions the swept keys
 */
public record SweepConfig(String base, List<String> set, SearchMode search, int trials, double timeBudgetMinutes,
                          int parallelism, int gridPoints, Objective objective, String dir, long seed,
                          List<Dimension> dimensions) implements java.io.Serializable {

    public SweepConfig {
        ConfigException.requireText("base", base);
        ConfigException.requireText("dir", dir);
        set = set == null ? List.of() : List.copyOf(set);
        if (search == null) {
            throw ConfigException.invalid("search", null, "random or grid");
        }
        if (objective == null) {
            throw ConfigException.invalid("objective", null, "main_metric or dev_loss");
        }
        ConfigException.requireRange("trials", trials, 1, 100_000);
        ConfigException.requireRange("time_budget_minutes", timeBudgetMinutes, 0.0, 1e6);
        ConfigException.requireRange("parallelism", parallelism, 1, 64);
        ConfigException.requireRange("grid_points", gridPoints, 2, 100);
        if (dimensions == null || dimensions.isEmpty()) {
            throw ConfigException.invalid("dimensions", dimensions, "at least one swept key");
        }
        dimensions = List.copyOf(dimensions);
        Set<String> keys = new HashSet<>();
        for (Dimension d : dimensions) {
            if (!keys.add(d.key())) {
                throw ConfigException.invalid("dimensions", d.key(), "each key swept once");
            }
        }
    }

    public boolean maximize() {
        return objective.maximize();
    }

    public List<String> keys() {
        return dimensions.stream().map(Dimension::key).toList();
    }
}
