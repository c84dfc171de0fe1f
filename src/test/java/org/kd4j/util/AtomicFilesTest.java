package org.kd4j.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void bytesRoundTripAndParentsAreCreated() throws IOException {
        Path target = dir.resolve("a/b/data.bin");
        byte[] bytes = {0, 1, 2, (byte) 0xff, 42};
        AtomicFiles.write(target, bytes);
        assertArrayEquals(bytes, Files.readAllBytes(target));
        assertEquals(List.of(target), listAll(target.getParent()));
    }

    @Test
    void stringRoundTripsInUtf8() throws IOException {
        Path target = dir.resolve("text.txt");
        AtomicFiles.writeString(target, "héllo ✓\n");
        assertEquals("héllo ✓\n", Files.readString(target, StandardCharsets.UTF_8));
    }

    @Test
    void streamingWriterLargerThanTheBuffer() throws IOException {
        Path target = dir.resolve("big.bin");
        byte[] expected = new byte[200_000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i * 31);
        }
        AtomicFiles.write(target, out -> {
            for (int i = 0; i < expected.length; i += 1000) {
                out.write(expected, i, 1000);
            }
            out.close(); // allowed
        });
        assertArrayEquals(expected, Files.readAllBytes(target));
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path target = dir.resolve("f.txt");
        AtomicFiles.writeString(target, "a much longer first version");
        AtomicFiles.writeString(target, "v2");
        assertEquals("v2", Files.readString(target));
        assertEquals(List.of(target), listAll(dir));
    }

    @Test
    void writerFailingMidwayLeavesTargetIntactAndNoTempFile() throws IOException {
        Path target = dir.resolve("f.txt");
        AtomicFiles.writeString(target, "previous");
        IOException boom = new IOException("disk gone");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]); // past the buffer: bytes really reach the temp file
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals("previous", Files.readString(target));
        assertEquals(List.of(target), listAll(dir));
    }

    @Test
    void uncheckedFailureAlsoCleansUp() throws IOException {
        Path target = dir.resolve("new.txt");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new IllegalStateException("bug");
        }));
        assertFalse(Files.exists(target));
        assertEquals(List.of(), listAll(dir));
    }

    private static List<Path> listAll(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }
}
