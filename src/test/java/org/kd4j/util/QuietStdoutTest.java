package org.kd4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The stdout filter drops the gradient builder's lines and a marked call's output, and passes everything else. */
class QuietStdoutTest {

    private static String through(java.util.function.Consumer<PrintStream> printing) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setOut(QuietStdout.filter(System.out));
            assertSame(System.out, QuietStdout.filter(System.out), "a filtered stream is not wrapped again");
            printing.accept(System.out);
            System.out.flush();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void gradientBuilderLinesGoEverythingElsePasses() {
        String out = through(o -> {
            o.println("| model | accuracy |");
            o.println("Added differentiated op add");
            o.print("Added differentiated op ");
            o.println("matmul_bp");
            o.println("Added differently"); // begins like one, and is not
            o.print("no newline yet, ");
            o.flush();
            o.println("then the rest");
            o.println("{\"label\":\"1\"}");
        });
        assertEquals("| model | accuracy |\nAdded differently\nno newline yet, then the rest\n{\"label\":\"1\"}\n", out);
    }

    @Test
    void aMarkedCallIsQuietOnItsOwnThreadOnly() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            String out = through(o -> QuietStdout.call(() -> {
                o.println("Serializing op x");
                try {
                    other.submit(() -> o.println("another thread's line")).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return null;
            }));
            assertEquals("another thread's line\n", out);
        } finally {
            other.shutdown();
        }
    }
}
