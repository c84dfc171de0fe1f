package org.kd4j.util;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;

/**
 * The check before ONNX Runtime starts: refused above 3,980 bytes of command line, with the way out in the message;
 * and a JVM whose command line is too long gets that error, not a crash.
 */
class OnnxRuntimeLaunchTest {

    @Test
    void aCommandLineOverTheLimitIsRefusedSayingWhatToDo() {
        assertDoesNotThrow(() -> OnnxRuntimeLaunch.check("m.onnx", 3980, false));
        assertDoesNotThrow(() -> OnnxRuntimeLaunch.check("m.onnx", -1, false), "unknown length (not Linux): no check");
        assertDoesNotThrow(() -> OnnxRuntimeLaunch.check("m.onnx", 50_000, true), "skipped on request");
        KdException e = assertThrows(KdException.class, () -> OnnxRuntimeLaunch.check("m.onnx", 3981, false));
        assertEquals("m.onnx: not started on ONNX Runtime: this JVM's command line is 3,981 bytes (/proc/self/cmdline), and"
                + " ONNX Runtime 1.29's native library crashes the JVM when it is longer than 3,980; start Java with the class"
                + " path in a file (java @args.txt), in CLASSPATH or in a manifest jar (or"
                + " -Dkd4j.onnxruntime.skip-command-line-check=true to try anyway)", e.getMessage());
    }

    @Test
    void thisTestJvmsCommandLineIsReadAndShortEnough() {
        // surefire passes its class path in a manifest jar: the forked JVM's command line is short, so ORT tests run
        if (Files.exists(Path.of("/proc/self/cmdline"))) {
            int length = OnnxRuntimeLaunch.commandLineLength();
            assertTrue(length > 0 && length <= OnnxRuntimeLaunch.LONGEST_COMMAND_LINE, "command line " + length + " bytes");
        }
    }

    /** A child JVM with a 5,000-character property on its command line: the ONNX Runtime engine refuses, exit 3. */
    @Test
    void aJvmWithALongCommandLineGetsTheErrorInsteadOfACrash(@TempDir Path dir) throws Exception {
        if (!Files.exists(Path.of("/proc/self/cmdline"))) {
            return; // the check reads /proc; elsewhere there is nothing to test
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path args = dir.resolve("args.txt");
        Files.writeString(args, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
        String pad = "x".repeat(5000);
        Process p = new ProcessBuilder(List.of(java, "-Dpad=" + pad, "@" + args, LongCommandLineChild.class.getName()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("child.onnx: not started on ONNX Runtime: this JVM's command line is"), out);
    }
}
