package org.kd4j.hpo;

import java.util.List;
import org.kd4j.ConfigException;

/**
 * One swept config key.
 *
 * @param key dotted key of the run configuration, e.g. {@code student.train.learning_rate}
 * @param type how its values are drawn
 * @param min lower bound (numeric types)
 * @param max upper bound (numeric types)
 * @param values the choices (categorical)
 */
public record Dimension(String key, DimensionType type, double min, double max, List<String> values)
        implements java.io.Serializable {

    public Dimension {
        ConfigException.requireText("key", key);
        if (type == null) {
            throw ConfigException.invalid("type", null, "uniform, log_uniform, integer or categorical");
        }
        values = values == null ? List.of() : List.copyOf(values);
        switch (type) {
            case CATEGORICAL -> {
                if (values.isEmpty()) {
                    throw ConfigException.invalid("values", values, "at least one value for a categorical dimension");
                }
            }
            case LOG_UNIFORM -> {
                if (!(min > 0 && max > min)) {
                    throw ConfigException.outOfRange("min", min, "0 < min < max (" + max + ") for log_uniform");
                }
            }
            default -> {
                if (!(max > min) && !(type == DimensionType.INTEGER && max == min)) {
                    throw ConfigException.outOfRange("max", max, "> min (" + min + ")");
                }
            }
        }
    }

    /** The value as a {@code --set} override text. */
    public String override(TrialValue value) {
        return key + "=" + value.text();
    }

    /**
     * This dimension's value from what Arbiter's leaf for it produced (see {@link SweepSpace}): a Double (for a
     * log-uniform dimension, its natural logarithm), an Integer or one of the categorical strings.
     *
     * @throws IllegalArgumentException naming the key when the leaf's value is not of this dimension's type
     */
    public TrialValue value(Object leafValue) {
        return switch (type) {
            case UNIFORM -> new TrialValue.Real(as(Double.class, leafValue));
            case LOG_UNIFORM -> new TrialValue.Real(Math.exp(as(Double.class, leafValue)));
            case INTEGER -> new TrialValue.Int(as(Integer.class, leafValue));
            case CATEGORICAL -> new TrialValue.Choice(as(String.class, leafValue));
        };
    }

    /**
     * The values that bound this dimension: min and max for a numeric one, every value for a categorical one. A
     * sweep is checked with them before it starts.
     */
    public List<TrialValue> extremes() {
        return switch (type) {
            case UNIFORM, LOG_UNIFORM -> List.of(new TrialValue.Real(min), new TrialValue.Real(max));
            case INTEGER -> List.of(new TrialValue.Int((int) min), new TrialValue.Int((int) max));
            case CATEGORICAL -> values.stream().<TrialValue>map(TrialValue.Choice::new).toList();
        };
    }

    private <T> T as(Class<T> expected, Object leafValue) {
        if (!expected.isInstance(leafValue)) {
            throw new IllegalArgumentException("sweep dimension '" + key + "' (" + type.name().toLowerCase(
                    java.util.Locale.ROOT) + "): expected a " + expected.getSimpleName() + " from Arbiter, found "
                    + (leafValue == null ? "null" : leafValue.getClass().getSimpleName() + " " + leafValue));
        }
        return expected.cast(leafValue);
    }
}
