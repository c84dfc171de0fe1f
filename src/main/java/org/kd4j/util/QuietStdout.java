package org.kd4j.util;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Keeps SameDiff M2.1's chatter off {@code System.out}, whose lines are kd4j's results (tables, JSON lines). M2.1
 * prints one line per op when it builds a gradient function ({@value #GRADIENT_BUILDER_LINE}...), and its importers
 * and serialiser print more. {@code System.out} belongs to the process, so the library never swaps it:
 * <ul>
 *   <li>the entry points (the CLI's {@code main}, the tests' launcher session) put this {@link #filter} in front of
 *       {@code System.out} once, before
 *       any model is built; it drops the gradient builder's lines whoever prints them, and everything a thread prints
 *       inside {@link #call};</li>
 *   <li>library code wraps a call it knows to be noisy in {@link #call}, which only marks the calling thread for that
 *       call: other threads' output passes, and without the filter installed (an application that embeds kd4j and
 *       keeps its own stdout) nothing is dropped.</li>
 * </ul>
 */
public final class QuietStdout extends OutputStream {

    /** What M2.1 prints for each op it differentiates. */
    public static final String GRADIENT_BUILDER_LINE = "Added differentiated op ";
    private static final byte[] PREFIX = GRADIENT_BUILDER_LINE.getBytes(StandardCharsets.UTF_8);
    /** Whether the current thread is inside {@link #call} (per thread, set and restored by the call). */
    private static final ThreadLocal<Boolean> QUIET = ThreadLocal.withInitial(() -> false);

    private final OutputStream out;
    /** The current line, held until its end shows whether it is a gradient-builder line. */
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** Part of the current line was passed on already (at a flush): the rest passes. */
    private boolean passing;

    private QuietStdout(OutputStream out) {
        this.out = out;
    }

    /**
     * {@code out} behind the filter ({@code out} itself when it is one already). Entry points only, once:
     * {@code System.setOut(QuietStdout.filter(System.out))}.
     */
    public static PrintStream filter(PrintStream out) {
        return out instanceof Installed ? out : new Installed(new QuietStdout(out));
    }

    /** Runs {@code action}; what this thread prints meanwhile is dropped where the filter is installed. */
    public static <T> T call(Supplier<T> action) {
        boolean before = QUIET.get();
        QUIET.set(true);
        try {
            return action.get();
        } finally {
            QUIET.set(before);
        }
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (!QUIET.get()) {
            line.write(b);
            if (b == '\n') {
                endOfLine();
            }
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (QUIET.get()) {
            return;
        }
        int from = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                line.write(b, from, i + 1 - from);
                endOfLine();
                from = i + 1;
            }
        }
        line.write(b, from, off + len - from);
    }

    private void endOfLine() throws IOException {
        byte[] held = line.toByteArray();
        boolean noise = !passing && held.length >= PREFIX.length && Arrays.equals(held, 0, PREFIX.length, PREFIX, 0, PREFIX.length);
        if (!noise) {
            out.write(held);
        }
        line.reset();
        passing = false;
    }

    /** Passes on what is held, unless it may still become a gradient-builder line. */
    @Override
    public synchronized void flush() throws IOException {
        int n = line.size();
        byte[] held = line.toByteArray();
        boolean mayBeNoise = !passing && Arrays.equals(held, 0, Math.min(n, PREFIX.length), PREFIX, 0, Math.min(n, PREFIX.length));
        if (n > 0 && !mayBeNoise) {
            line.writeTo(out);
            line.reset();
            passing = true;
        }
        out.flush();
    }

    /** The filtered stream: recognisable, so that {@link #filter} does not wrap it twice. */
    private static final class Installed extends PrintStream {
        Installed(QuietStdout filter) {
            super(filter, true);
        }
    }
}
