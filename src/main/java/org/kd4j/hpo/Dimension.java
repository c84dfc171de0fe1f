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
public record Dimension(String key, DimensionType type, double min, double max, List<String> values) {

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
    public String override(Object value) {
        return key + "=" + value;
    }
}
