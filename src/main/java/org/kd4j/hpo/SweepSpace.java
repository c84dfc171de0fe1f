package org.kd4j.hpo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;

/**
 * The sweep's dimensions as an Arbiter parameter space: one Arbiter leaf per dimension (continuous, integer or
 * discrete; log-uniform dimensions are continuous in log space), and a candidate is the map from config key to
 * typed value ({@link Dimension#value}). Arbiter's generators assign each leaf its index in the flat parameter vector.
 */
public final class SweepSpace implements ParameterSpace<LinkedHashMap<String, TrialValue>> {

    private final List<Dimension> dimensions;
    private final List<ParameterSpace<?>> leaves = new ArrayList<>();

    public SweepSpace(List<Dimension> dimensions) {
        this.dimensions = List.copyOf(dimensions);
        for (Dimension d : dimensions) {
            leaves.add(switch (d.type()) {
                case UNIFORM -> new ContinuousParameterSpace(d.min(), d.max());
                case LOG_UNIFORM -> new ContinuousParameterSpace(Math.log(d.min()), Math.log(d.max()));
                case INTEGER -> new IntegerParameterSpace((int) d.min(), (int) d.max());
                case CATEGORICAL -> new DiscreteParameterSpace<>(d.values());
            });
        }
    }

    @Override
    public LinkedHashMap<String, TrialValue> getValue(double[] parameterValues) {
        LinkedHashMap<String, TrialValue> values = new LinkedHashMap<>();
        for (int i = 0; i < dimensions.size(); i++) {
            Dimension d = dimensions.get(i);
            values.put(d.key(), d.value(leaves.get(i).getValue(parameterValues)));
        }
        return values;
    }

    @Override
    public int numParameters() {
        return leaves.size();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List<ParameterSpace> collectLeaves() {
        return new ArrayList<>(leaves);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Map<String, ParameterSpace> getNestedSpaces() {
        Map<String, ParameterSpace> nested = new LinkedHashMap<>();
        for (int i = 0; i < dimensions.size(); i++) {
            nested.put(dimensions.get(i).key(), leaves.get(i));
        }
        return nested;
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public void setIndices(int... indices) {
        throw new UnsupportedOperationException("not a leaf: Arbiter sets the indices of the leaves");
    }
}
