package org.kd4j.util;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files atomically: a reader sees either the previous content of the target or the complete new
 * content, never a partly written file, even if the process dies midway.
 *
 * <p>The content goes to a temporary file in the target's directory ({@code .<name>.tmp-<random>}), is forced to
 * disk ({@link FileChannel#force}), and is then moved over the target with {@code ATOMIC_MOVE} and
 * {@code REPLACE_EXISTING}. On any failure the temporary file is deleted and the target is left untouched; the
 * failure propagates. Parent directories are created. A file system that cannot move atomically (rare on local
 * disks) is an error, not a silent fallback to a plain copy.
 */
public final class AtomicFiles {

    private static final int BUFFER = 1 << 16;

    private AtomicFiles() {
    }

    /** Atomically replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, out -> out.write(bytes));
    }

    /** Atomically replaces {@code target} with {@code text} in UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        Objects.requireNonNull(text, "text");
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Atomically replaces {@code target} with what {@code writer} writes to the stream it is given. The stream is
     * buffered; closing it is allowed but not needed. If the writer throws, the target keeps its previous content.
     */
    public static void write(Path target, IoConsumer<OutputStream> writer) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(writer, "writer");
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + abs.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(new NonClosing(Channels.newOutputStream(channel)), BUFFER);
                writer.accept(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + abs + " atomically on this file system", e);
            }
            moved = true;
            forceDirectory(dir);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException suppressed) {
                    // the original failure matters more; a stray temp file is harmless
                }
            }
        }
    }

    /** Makes the rename durable where the platform allows syncing a directory (Linux does, Windows does not). */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // best effort: the content itself is already on disk
        }
    }

    /** Keeps a writer's accidental {@code close()} from closing the channel before it is forced. */
    private static final class NonClosing extends OutputStream {
        private final OutputStream delegate;

        NonClosing(OutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            delegate.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            delegate.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
