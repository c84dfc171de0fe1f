package org.kd4j.hpo;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;

/**
 * Arbiter's score function for trials that score themselves (each trial's result carries its dev score); Arbiter
 * only needs the direction.
 */
final class ReportedScore implements ScoreFunction {

    private final boolean minimize;

    ReportedScore(boolean minimize) {
        this.minimize = minimize;
    }

    @Override
    public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
        throw new UnsupportedOperationException("trials report their own score");
    }

    @Override
    public double score(Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
        throw new UnsupportedOperationException("trials report their own score");
    }

    @Override
    public boolean minimize() {
        return minimize;
    }

    @Override
    public List<Class<?>> getSupportedModelTypes() {
        return List.of(Object.class);
    }

    @Override
    public List<Class<?>> getSupportedDataTypes() {
        return List.of(Object.class);
    }
}
