package org.kd4j.hpo;

import java.io.Serializable;
import java.util.Objects;

/**
 * The value a trial gives one swept key, typed by its {@link DimensionType}: {@link Real} for uniform and
 * log-uniform dimensions, {@link Int} for integer ones, {@link Choice} for categorical ones. Serializable because
 * Arbiter's candidates must be.
 */
public sealed interface TrialValue extends Serializable {

    /** The value as written on the right of a {@code --set key=value} override and in the CSV table. */
    String text();

    /** A real number (uniform or log-uniform dimension). */
    record Real(double value) implements TrialValue {
        public Real {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("a swept real value: expected a finite number, found " + value);
            }
        }

        @Override
        public String text() {
            return Double.toString(value);
        }
    }

    /** An integer (integer dimension). */
    record Int(int value) implements TrialValue {
        @Override
        public String text() {
            return Integer.toString(value);
        }
    }

    /** One of a categorical dimension's values, as written in the sweep's YAML. */
    record Choice(String value) implements TrialValue {
        public Choice {
            Objects.requireNonNull(value, "a swept categorical value");
        }

        @Override
        public String text() {
            return value;
        }
    }
}
