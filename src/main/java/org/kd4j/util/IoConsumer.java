package org.kd4j.util;

import java.io.IOException;

/**
 * A consumer that may throw {@link IOException}, e.g. a function that writes a file's content to a stream.
 *
 * @param <T> the consumed type
 */
@FunctionalInterface
public interface IoConsumer<T> {

    void accept(T value) throws IOException;
}
