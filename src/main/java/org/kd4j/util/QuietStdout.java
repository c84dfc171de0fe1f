package org.kd4j.util;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Runs a call with {@code System.out} discarded. SameDiff M2.1 prints one line per op to stdout
 * ("Added differentiated op ...") when it first builds a gradient function; kd4j's stdout carries results
 * (tables, JSON lines), so that first call runs through here. {@code System.out} is global: output of other threads
 * during the call is discarded too, which is why only that one-off call is wrapped.
 */
public final class QuietStdout {

    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

    private QuietStdout() {}

    public static synchronized <T> T call(Supplier<T> action) {
        PrintStream original = System.out;
        System.setOut(DISCARD);
        try {
            return action.get();
        } finally {
            System.setOut(original);
        }
    }
}
