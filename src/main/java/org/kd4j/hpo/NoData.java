package org.kd4j.hpo;

import java.util.Map;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;

/** Arbiter requires a data provider; trials read their data from their own config. */
final class NoData implements DataProvider {

    @Override
    public Object trainData(Map<String, Object> dataParameters) {
        return null;
    }

    @Override
    public Object testData(Map<String, Object> dataParameters) {
        return null;
    }

    @Override
    public Class<?> getDataType() {
        return Object.class;
    }
}
