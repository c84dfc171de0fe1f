package org.kd4j;

/**
 * A configuration value or key that is not acceptable. Records throw it with the key relative to themselves; it lives
 * beside {@link KdException}, below every layer, because the records of {@code model}, {@code data} and {@code distill}
 * validate with it as well as those of {@code config}.
 * {@link org.kd4j.config.ConfigLoader} re-throws it with the source (file or {@code --set}) and the full dotted key.
 */
public class ConfigException extends KdException {

    private final String key;
    private final String problem;

    private ConfigException(String key, String problem, String message) {
        super(message);
        this.key = key;
        this.problem = problem;
    }

    /** {@code key = value is out of range; allowed ...}, thrown by validating record constructors. */
    public static ConfigException outOfRange(String key, Object value, String allowed) {
        String problem = "= " + value + " is out of range; allowed " + allowed;
        return new ConfigException(key, problem, key + " " + problem);
    }

    /** A value of the right type that is still not acceptable, or a missing one ({@code value} null). */
    public static ConfigException invalid(String key, Object value, String expected) {
        String problem = value == null ? "is missing; expected " + expected : "= '" + value + "' is not valid; expected " + expected;
        return new ConfigException(key, problem, key + " " + problem);
    }

    /** A problem with a whole source (unreadable file, bad YAML syntax, unknown key). */
    public static ConfigException of(String source, String message) {
        return new ConfigException(null, message, source + ": " + message);
    }

    /**
     * The same problem, located: {@code source: prefix.key = value ...} (used by {@link org.kd4j.config.ConfigLoader},
     * which knows the file and the section a record was bound from).
     */
    public ConfigException locate(String source, String prefix) {
        String fullKey = key == null ? prefix : prefix.isEmpty() ? key : prefix + "." + key;
        return new ConfigException(fullKey, problem, source + ": " + fullKey + " " + problem);
    }

    /** The dotted key, or {@code null} when the problem is not about one key. */
    public String key() {
        return key;
    }

    public static void requireRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw outOfRange(key, value, min + ".." + max);
        }
    }

    public static void requireRange(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw outOfRange(key, value, min + ".." + max);
        }
    }

    public static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw invalid(key, value, "a non-empty string");
        }
    }
}
