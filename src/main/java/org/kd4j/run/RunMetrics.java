package org.kd4j.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.kd4j.eval.Metric;

/**
 * A run's comparison table as numbers, as written to {@code metrics.json}: the task, the table's title and one row
 * per model evaluated.
 *
 * @param task the task's display name
 * @param title the table's title
 * @param rows teachers, the ensemble and the students, in table order
 */
public record RunMetrics(String task, String title, List<Row> rows) {

    public RunMetrics {
        rows = rows == null ? List.of() : List.copyOf(rows);
    }

    /**
     * One model's numbers. On disk a flat object: {@code name}, {@code parameters}, one {@code dev_<metric>} per metric
     * of the task, {@code dev_loss}, {@code dev_examples}, {@code eval_seconds}, {@code eval_samples_per_second},
     * {@code train_seconds}, and for a student trained in the run {@code train_phase_seconds}: an object of its training
     * time by phase (keys as {@code TrainingPhases.Phase}'s names in lower case: {@code batches}, {@code gradients},
     * ...; the calling thread's phases are wall time, the workers' ({@code feed}, {@code graph}, {@code
     * inputs_backward}) are summed over their threads). Numeric fields missing on disk read as 0, a missing {@code
     * train_phase_seconds} as none.
     *
     * @param name what was evaluated
     * @param parameters its trainable parameters (0 for the ensemble)
     * @param dev its dev metrics, in the task's order
     * @param devLoss dev cross-entropy (squared error for regression)
     * @param devExamples dev examples scored
     * @param evalSeconds wall time of one dev pass (0 when not measured)
     * @param evalSamplesPerSecond dev examples per second (0 when not measured)
     * @param trainSeconds training time (0 when unknown)
     * @param trainPhaseSeconds training time by phase, in seconds; empty when not trained in the run
     */
    public record Row(String name, long parameters, Map<Metric, Double> dev, double devLoss, int devExamples,
                      double evalSeconds, double evalSamplesPerSecond, double trainSeconds,
                      Map<String, Double> trainPhaseSeconds) {

        static final String DEV = "dev_";
        private static final java.util.Set<String> NON_FINITE = java.util.Set.of("NaN", "Infinity", "-Infinity");

        static final String PHASES = "train_phase_seconds";

        public Row {
            Objects.requireNonNull(name, "name");
            dev = Collections.unmodifiableMap(new LinkedHashMap<>(dev));
            trainPhaseSeconds = trainPhaseSeconds == null ? Map.of()
                    : Collections.unmodifiableMap(new LinkedHashMap<>(trainPhaseSeconds));
        }

        /** A row without training phases (teachers, the ensemble, cached models). */
        public Row(String name, long parameters, Map<Metric, Double> dev, double devLoss, int devExamples,
                   double evalSeconds, double evalSamplesPerSecond, double trainSeconds) {
            this(name, parameters, dev, devLoss, devExamples, evalSeconds, evalSamplesPerSecond, trainSeconds, Map.of());
        }

        /** The value of {@code metric}, when the row has it. */
        public Optional<Double> dev(Metric metric) {
            return Optional.ofNullable(dev.get(metric));
        }

        @JsonValue
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("parameters", parameters);
            dev.forEach((k, v) -> m.put(DEV + k.key(), v));
            m.put("dev_loss", devLoss);
            m.put("dev_examples", devExamples);
            m.put("eval_seconds", evalSeconds);
            m.put("eval_samples_per_second", evalSamplesPerSecond);
            m.put("train_seconds", trainSeconds);
            if (!trainPhaseSeconds.isEmpty()) {
                m.put(PHASES, trainPhaseSeconds);
            }
            return m;
        }

        /**
         * A row read from disk.
         *
         * @throws IllegalArgumentException naming the field when a field has the wrong type, or a {@code dev_} field
         *     names no metric
         */
        @JsonCreator
        static Row fromJson(Map<String, Object> json) {
            Object name = json.get("name");
            if (!(name instanceof String s)) {
                throw new IllegalArgumentException("field 'name': expected a string, found " + name);
            }
            Map<Metric, Double> ordered = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : json.entrySet()) {
                String key = e.getKey();
                if (!key.startsWith(DEV) || key.equals("dev_loss") || key.equals("dev_examples")) {
                    continue;
                }
                Metric metric = null;
                for (Metric m : Metric.values()) {
                    if (key.equals(DEV + m.key())) {
                        metric = m;
                    }
                }
                if (metric == null) {
                    throw new IllegalArgumentException("row '" + s + "': field '" + key + "' names no metric (expected dev_"
                            + "<one of " + java.util.Arrays.stream(Metric.values()).map(Metric::key).toList() + ">)");
                }
                ordered.put(metric, number(s, key, e.getValue()).doubleValue());
            }
            return new Row(s, number(s, "parameters", json.get("parameters")).longValue(), ordered,
                    number(s, "dev_loss", json.get("dev_loss")).doubleValue(),
                    number(s, "dev_examples", json.get("dev_examples")).intValue(),
                    number(s, "eval_seconds", json.get("eval_seconds")).doubleValue(),
                    number(s, "eval_samples_per_second", json.get("eval_samples_per_second")).doubleValue(),
                    number(s, "train_seconds", json.get("train_seconds")).doubleValue(), phases(s, json.get(PHASES)));
        }

        private static Map<String, Double> phases(String row, Object value) {
            if (value == null) {
                return Map.of();
            }
            if (!(value instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("row '" + row + "': field '" + PHASES + "': expected an object of seconds"
                        + " by phase, found " + value);
            }
            Map<String, Double> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(String.valueOf(e.getKey()), number(row, PHASES + "." + e.getKey(), e.getValue()).doubleValue());
            }
            return out;
        }

        private static Number number(String row, String field, Object value) {
            if (value == null) {
                return 0;
            }
            if (value instanceof String text && NON_FINITE.contains(text)) {
                return Double.parseDouble(text); // Jackson writes NaN and infinities as strings
            }
            if (!(value instanceof Number n)) {
                throw new IllegalArgumentException("row '" + row + "': field '" + field + "': expected a number, found " + value);
            }
            return n;
        }
    }
}
