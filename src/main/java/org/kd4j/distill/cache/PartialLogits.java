package org.kd4j.distill.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.util.AtomicFiles;
import org.kd4j.util.FileTrees;
import org.kd4j.util.Hashing;

/**
 * The logits of one {@link CacheKey} while they are scored a chunk at a time (a transfer file of a million lines): each
 * finished chunk of {@code chunkRows} rows is written atomically to {@code <root>/<key hash>.partial/chunk-NNNNNN.logits},
 * a scoring that is stopped and started again skips the chunks already there, and {@link #assemble} streams them into
 * the key's cache file (byte-identical to a file written whole by {@link LogitCache}) and deletes the directory.
 *
 * <p>A chunk file has the cache file's format and checks; its key hash is derived from the final key's, the chunk's
 * number, first row, row count and column count, so a chunk of another key, another chunk size or another position is
 * never taken for this one (it is discarded and scored again).
 */
public final class PartialLogits {

    private static final Logger LOG = LogManager.getLogger(PartialLogits.class);

    private final LogitCache cache;
    private final String hash;
    private final int rows;
    private final int cols;
    private final int chunkRows;

    PartialLogits(LogitCache cache, String hash, int rows, int cols, int chunkRows) {
        if (rows <= 0 || cols <= 0 || chunkRows <= 0) {
            throw new IllegalArgumentException("rows " + rows + ", cols " + cols + ", chunk rows " + chunkRows
                    + ": expected all positive");
        }
        this.cache = cache;
        this.hash = hash;
        this.rows = rows;
        this.cols = cols;
        this.chunkRows = chunkRows;
    }

    /** The directory of the chunk files, beside the cache file. */
    public Path dir() {
        return cache.root().resolve(hash + ".partial");
    }

    /** Number of chunks. */
    public int chunks() {
        return (int) ((rows + (long) chunkRows - 1) / chunkRows);
    }

    /** First row of chunk {@code chunk}. */
    public int start(int chunk) {
        return chunk * chunkRows;
    }

    /** Rows of chunk {@code chunk} ({@code chunkRows}, fewer for the last). */
    public int size(int chunk) {
        return Math.min(chunkRows, rows - start(chunk));
    }

    /** The file of chunk {@code chunk}. */
    public Path file(int chunk) {
        return dir().resolve(String.format(Locale.ROOT, "chunk-%06d%s", chunk, LogitCache.SUFFIX));
    }

    /** Whether chunk {@code chunk} is stored and valid (an invalid file is logged and deleted). */
    public boolean done(int chunk) {
        Path file = file(chunk);
        return Files.exists(file) && cache.readValidOrDiscard(file, chunkHash(chunk), size(chunk), cols) != null;
    }

    /**
     * Stores chunk {@code chunk} atomically.
     *
     * @throws KdException when {@code logits} is not {@code size(chunk) x cols} of finite values
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public void write(int chunk, float[][] logits) {
        int expected = size(chunk);
        if (logits.length != expected) {
            throw new KdException("chunk " + chunk + " of " + dir() + ": " + logits.length + " rows of logits, expected " + expected);
        }
        for (int r = 0; r < logits.length; r++) {
            if (logits[r].length != cols) {
                throw new KdException("chunk " + chunk + " of " + dir() + ": row " + r + " has " + logits[r].length
                        + " logits, expected " + cols);
            }
            for (float v : logits[r]) {
                if (!Float.isFinite(v)) {
                    throw new KdException("chunk " + chunk + " of " + dir() + ": non-finite logit " + v + " in row "
                            + (start(chunk) + r));
                }
            }
        }
        Path file = file(chunk);
        try {
            Files.createDirectories(dir());
            AtomicFiles.write(file, out -> cache.writeTo(out, chunkHash(chunk), logits, cols));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    /**
     * Streams every chunk, in order, into the key's cache file (atomically; one chunk in memory at a time), then
     * deletes the chunk directory. Returns the cache file.
     *
     * @throws KdException when a chunk is missing or invalid (naming it)
     */
    public Path assemble() {
        Path target = cache.file(hash);
        try {
            AtomicFiles.write(target, out -> cache.writeChunks(out, hash, rows, cols, chunks(), c -> {
                float[][] logits = cache.readValidOrDiscard(file(c), chunkHash(c), size(c), cols);
                if (logits == null) {
                    throw new KdException("chunk " + c + " of " + dir() + " is missing or invalid; score again to redo it");
                }
                return logits;
            }));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target, e);
        }
        try {
            FileTrees.delete(dir());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("logit cache: could not delete the chunks {} ({}); they are no longer needed", dir(), e.toString());
        }
        return target;
    }

    private String chunkHash(int chunk) {
        return Hashing.fieldsHex("kd4j.logit-chunk.v1", hash, Integer.toString(chunk), Integer.toString(start(chunk)),
                Integer.toString(size(chunk)), Integer.toString(cols));
    }
}
