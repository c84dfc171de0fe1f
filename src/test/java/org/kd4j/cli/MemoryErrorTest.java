package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Running out of memory reaches the user as one line with a hint and exit code 4, never a stack trace: checked on a real
 * native-memory failure (a JVM whose JavaCPP limit is far below what the SEAD student needs at 32 x 512 tokens).
 */
class MemoryErrorTest {

    @Test
    void memoryFailuresAreRecognisedInTheCauseChain() {
        RuntimeException wrapped = new RuntimeException("step failed", new OutOfMemoryError(
                "Physical memory usage is too high: physicalBytes (8193M) > maxPhysicalBytes (8192M)"));
        assertTrue(Main.memoryProblem(wrapped).startsWith("out of memory: Physical memory usage is too high"));
        assertTrue(Main.memoryProblem(new IllegalStateException("Cannot allocate 4194304 bytes")).startsWith("out of native memory"));
        assertNull(Main.memoryProblem(new IllegalArgumentException("batch length 600 exceeds the model's 512 positions")));
    }

    @Test
    void aRealNativeOutOfMemoryIsOneLineAndExitFour() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xss2m", "-Xmx512m", "-Dorg.bytedeco.javacpp.maxbytes=300M",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=900M", "-cp", System.getProperty("java.class.path"),
                "org.kd4j.cli.Main", "bench", "student", "--batch", "32", "--length", "512", "--steps", "1", "--workers", "1"));
        pb.redirectErrorStream(false);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finishes");
        assertEquals(Main.EXIT_MEMORY, p.exitValue(), err + new String(out, StandardCharsets.UTF_8));
        List<String> errorLines = err.lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errorLines.size(), err);
        assertTrue(errorLines.get(0).contains("out of") && errorLines.get(0).contains("hint:"), err);
        assertFalse(err.contains("\tat "), "no stack trace without -v:\n" + err);
    }
}
