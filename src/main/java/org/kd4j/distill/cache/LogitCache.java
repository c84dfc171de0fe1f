package org.kd4j.distill.cache;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.util.AtomicFiles;

/**
 * Teacher logits stored on disk, so that a teacher scores each data set once and every later epoch, run and sweep
 * trial reads the scores back. One file per {@link CacheKey}: {@code <root>/<key hash>.logits}. A cache of
 * {@link CacheKind#POOLED} holds teachers' pooled representations the same way, in {@code <root>/<key hash>.pooled}
 * with the magic {@code KDPC} (everything else below is the same; "logits" then reads "pooled vectors").
 *
 * <p>File format, all integers and floats little endian:
 * <pre>
 *   offset  size        field
 *   0       4           magic "KDLC"
 *   4       4           format version (int32, currently 1)
 *   8       4           rows (int32)
 *   12      4           cols (int32)
 *   16      32          the key's hash (raw SHA-256), so a file copied or renamed under another key's name is caught
 *   48      4*rows*cols logits, row-major float32
 *   end-4   4           CRC32 of every byte before it
 * </pre>
 * A file that fails any check (magic, version, key hash, expected rows/cols, length, checksum) is logged at WARN
 * with its name and the reason, deleted, and recomputed; it is never read as valid. Files are written through
 * {@link AtomicFiles}, so a crash never leaves a half-written file under a valid name.
 *
 * <p>Thread-safe: concurrent callers with the same key wait on one lock per key, so the teacher runs once. Separate
 * processes sharing a root are safe too (each write is atomic and the content for a key is the same), but may each
 * compute once.
 */
public final class LogitCache {

    private static final Logger LOG = LogManager.getLogger(LogitCache.class);

    static final byte[] MAGIC = CacheKind.LOGITS.magic();
    static final int VERSION = 1;
    static final int HASH_BYTES = 32;
    static final int HEADER_BYTES = MAGIC.length + 3 * Integer.BYTES + HASH_BYTES;
    static final int CHECKSUM_BYTES = Integer.BYTES;
    static final String SUFFIX = CacheKind.LOGITS.suffix();

    private final Path root;
    private final CacheKind kind;
    /** Where copies of the files are kept and read from when {@code root} lacks them; null: nowhere. */
    private final Path mirror;
    /** One lock object per key hash; tiny, and bounded by the number of distinct keys a process uses. */
    private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

    /** A cache of logits in {@code root}, which is created on the first write. */
    public LogitCache(Path root) {
        this(root, CacheKind.LOGITS);
    }

    /** A cache of {@code kind} in {@code root}, which is created on the first write. */
    public LogitCache(Path root, CacheKind kind) {
        this(root, kind, null);
    }

    /**
     * A cache of {@code kind} in {@code root} with a mirror: a second folder (meant to be committed, such as a results
     * ledger's) that keeps a copy of every file this cache reads or writes. A key {@code root} lacks is read from the
     * mirror when it holds a valid file (copied into {@code root} first); a file found or computed in {@code root} is
     * copied to the mirror when the mirror lacks it. An invalid mirror file is logged and left alone (never deleted,
     * never used).
     *
     * @param mirror the mirror folder, created on the first copy; null: none
     */
    public LogitCache(Path root, CacheKind kind, Path mirror) {
        this.root = Objects.requireNonNull(root, "root");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.mirror = mirror;
    }

    /** The mirror folder; empty when this cache has none. */
    public java.util.Optional<Path> mirror() {
        return java.util.Optional.ofNullable(mirror);
    }

    public CacheKind kind() {
        return kind;
    }

    public Path root() {
        return root;
    }

    /** The file holding the logits of {@code key} (whether or not it exists). Hashes the key's files. */
    public Path file(CacheKey key) {
        return fileFor(key.hash());
    }

    /**
     * The teacher's logits for {@code key}: read from the cache if a valid file with exactly
     * {@code expectedRows x expectedCols} logits exists, otherwise computed by {@code compute}, checked, stored and
     * returned. The caller owns the returned array.
     *
     * @throws KdException if {@code compute} returns the wrong shape or a non-finite value (naming the model file),
     *         or the key's files cannot be read
     */
    public float[][] getOrCompute(CacheKey key, int expectedRows, int expectedCols, Supplier<float[][]> compute) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(compute, "compute");
        if (expectedRows <= 0 || expectedCols <= 0) {
            throw new IllegalArgumentException("expected rows and cols must be positive, got "
                    + expectedRows + " x " + expectedCols);
        }
        if (expectedCols > Integer.MAX_VALUE / Float.BYTES) {
            throw new IllegalArgumentException("too many logits per row: " + expectedCols);
        }
        long start = System.nanoTime();
        String hash = key.hash();
        Path file = fileFor(hash);
        synchronized (locks.computeIfAbsent(hash, h -> new Object())) {
            if (Files.exists(file)) {
                float[][] cached = readValidOrDiscard(file, hash, expectedRows, expectedCols);
                if (cached != null) {
                    LOG.info("{} cache hit: {} x {} from {} in {} ms ({})", kind.label(), expectedRows, expectedCols,
                            file, millisSince(start), key.describe());
                    keepInMirror(hash, file);
                    return cached;
                }
            }
            float[][] mirrored = fromMirror(hash, expectedRows, expectedCols);
            if (mirrored != null) {
                LOG.info("{} cache hit in the mirror: {} x {} from {} in {} ms ({})", kind.label(), expectedRows, expectedCols,
                        mirror.resolve(file.getFileName()), millisSince(start), key.describe());
                return mirrored;
            }
            long computeStart = System.nanoTime();
            float[][] logits = compute.get();
            long computeMs = millisSince(computeStart);
            validate(key, logits, expectedRows, expectedCols);
            store(file, hash, logits, expectedCols);
            keepInMirror(hash, file);
            LOG.info("{} cache miss: computed {} x {} in {} ms, stored {} ({} ms in all; {})", kind.label(), expectedRows,
                    expectedCols, computeMs, file, millisSince(start), key.describe());
            return logits;
        }
    }

    /** The file holding the logits of the key whose {@link CacheKey#hash()} is {@code hash}. */
    public Path file(String hash) {
        return fileFor(hash);
    }

    /**
     * Whether a valid file of exactly {@code rows x cols} logits is stored for the key hash {@code hash} (read and
     * checked whole; an invalid file is logged, deleted and reported absent, as {@link #getOrCompute} does).
     */
    public boolean holds(String hash, int rows, int cols) {
        Path file = fileFor(hash);
        synchronized (locks.computeIfAbsent(hash, h -> new Object())) {
            if (Files.exists(file) && readValidOrDiscard(file, hash, rows, cols) != null) {
                keepInMirror(hash, file);
                return true;
            }
            return fromMirror(hash, rows, cols) != null;
        }
    }

    /**
     * The mirror's logits of {@code hash}, copied into {@code root} first; null when there is no mirror, it lacks the
     * file, or its file is not valid for these rows and columns (logged, left in place).
     */
    private float[][] fromMirror(String hash, int rows, int cols) {
        if (mirror == null) {
            return null;
        }
        Path copy = mirror.resolve(hash + kind.suffix());
        if (!Files.isRegularFile(copy)) {
            return null;
        }
        float[][] logits;
        try {
            logits = read(copy, hash, rows, cols);
        } catch (InvalidCacheFile e) {
            LOG.warn("{} cache: the mirror's {} is not used: {}", kind.label(), copy, e.getMessage());
            return null;
        } catch (IOException e) {
            LOG.warn("{} cache: the mirror's {} is not used: unreadable: {}", kind.label(), copy, e.toString());
            return null;
        }
        Path file = fileFor(hash);
        try {
            AtomicFiles.write(file, out -> Files.copy(copy, out));
        } catch (IOException e) {
            LOG.warn("{} cache: could not copy {} to {} ({}); used from the mirror", kind.label(), copy, file, e.toString());
        }
        return logits;
    }

    /** Copies {@code file} (of key {@code hash}, valid) to the mirror when the mirror lacks it; a failure is logged. */
    private void keepInMirror(String hash, Path file) {
        if (mirror == null || !Files.isRegularFile(file)) {
            return;
        }
        Path copy = mirror.resolve(hash + kind.suffix());
        if (Files.exists(copy)) {
            return;
        }
        try {
            AtomicFiles.write(copy, out -> Files.copy(file, out));
            LOG.info("{} cache: kept a copy in the mirror, {}", kind.label(), copy);
        } catch (IOException e) {
            LOG.warn("{} cache: could not copy {} to the mirror {} ({})", kind.label(), file, copy, e.toString());
        }
    }

    /**
     * The chunks of the logits of key hash {@code hash} while they are being scored, a chunk at a time, for inputs too
     * large to score in one go (see {@link PartialLogits}).
     */
    public PartialLogits partial(String hash, int rows, int cols, int chunkRows) {
        return new PartialLogits(this, hash, rows, cols, chunkRows);
    }

    private Path fileFor(String hash) {
        return root.resolve(hash + kind.suffix());
    }

    private static long millisSince(long nanoStart) {
        return (System.nanoTime() - nanoStart) / 1_000_000;
    }

    // ---------------------------------------------------------------- compute results

    private static void validate(CacheKey key, float[][] logits, int rows, int cols) {
        String who = "teacher model file " + key.modelFile() + " (data " + key.dataFile() + ", variant '"
                + key.variant() + "')";
        if (logits == null) {
            throw new KdException(who + " produced no logits");
        }
        if (logits.length != rows) {
            throw new KdException(who + " produced " + logits.length + " rows of logits, expected " + rows);
        }
        for (int r = 0; r < rows; r++) {
            float[] row = logits[r];
            if (row == null || row.length != cols) {
                throw new KdException(who + " produced " + (row == null ? "no" : String.valueOf(row.length))
                        + " logits in row " + r + ", expected " + cols);
            }
            for (int c = 0; c < cols; c++) {
                if (!Float.isFinite(row[c])) {
                    throw new KdException(who + " produced a non-finite logit " + row[c] + " at row " + r
                            + ", column " + c);
                }
            }
        }
    }

    // ---------------------------------------------------------------- writing

    private void store(Path file, String hash, float[][] logits, int cols) {
        try {
            AtomicFiles.write(file, out -> writeTo(out, hash, logits, cols));
        } catch (IOException e) {
            // The logits are computed and valid; losing them to a full disk would waste the teacher's work.
            LOG.warn("logit cache: could not store {} ({}); the logits are used but not cached", file, e.toString());
        }
    }

    void writeTo(OutputStream raw, String hash, float[][] logits, int cols) throws IOException {
        writeChunks(raw, hash, logits.length, cols, 1, index -> logits);
    }

    /** A source of the next chunk of rows, in order (for {@link #writeChunks}). */
    @FunctionalInterface
    interface ChunkSource {
        float[][] chunk(int index) throws IOException;
    }

    /**
     * The file's bytes (header, rows, checksum) for all the chunks' rows one after the other, holding one chunk at a
     * time: a file assembled from chunks is byte-identical to one written whole ({@link #writeTo} is the one-chunk case).
     */
    void writeChunks(OutputStream raw, String hash, int rows, int cols, int chunks, ChunkSource source)
            throws IOException {
        CRC32 crc = new CRC32();
        OutputStream out = new CheckedOutputStream(raw, crc);
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(kind.magic()).putInt(VERSION).putInt(rows).putInt(cols).put(HexFormat.of().parseHex(hash));
        out.write(header.array());
        ByteBuffer row = ByteBuffer.allocate(cols * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int written = 0;
        for (int c = 0; c < chunks; c++) {
            for (float[] values : source.chunk(c)) {
                row.clear();
                row.asFloatBuffer().put(values);
                out.write(row.array());
                written++;
            }
        }
        if (written != rows) {
            throw new IOException("chunks hold " + written + " rows, expected " + rows);
        }
        ByteBuffer sum = ByteBuffer.allocate(CHECKSUM_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        sum.putInt((int) crc.getValue());
        raw.write(sum.array());
    }

    // ---------------------------------------------------------------- reading

    /** A cache file that must not be used; the message is the reason. */
    private static final class InvalidCacheFile extends Exception {
        InvalidCacheFile(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The file's logits, or null after logging why the file is invalid and deleting it. */
    float[][] readValidOrDiscard(Path file, String hash, int rows, int cols) {
        String reason;
        try {
            return read(file, hash, rows, cols);
        } catch (InvalidCacheFile e) {
            reason = e.getMessage();
        } catch (IOException e) {
            reason = "unreadable: " + e;
        }
        LOG.warn("{} cache: discarding {}: {}; recomputing", kind.label(), file, reason);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("logit cache: could not delete {} ({}); it will be replaced", file, e.toString());
        }
        return null;
    }

    private float[][] read(Path file, String hash, int rows, int cols) throws IOException, InvalidCacheFile {
        long size = Files.size(file);
        long expectedSize = HEADER_BYTES + (long) rows * cols * Float.BYTES + CHECKSUM_BYTES;
        CRC32 crc = new CRC32();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
            if (size < HEADER_BYTES) {
                throw new InvalidCacheFile("truncated: " + size + " bytes, shorter than the " + HEADER_BYTES
                        + "-byte header");
            }
            ByteBuffer header = ByteBuffer.wrap(readFully(in, HEADER_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!Arrays.equals(magic, kind.magic())) {
                throw new InvalidCacheFile("not a " + kind.label() + " cache file (magic " + HexFormat.of().formatHex(magic)
                        + ", expected " + HexFormat.of().formatHex(kind.magic()) + ")");
            }
            int version = header.getInt();
            if (version != VERSION) {
                throw new InvalidCacheFile("format version " + version + ", expected " + VERSION);
            }
            int fileRows = header.getInt();
            int fileCols = header.getInt();
            byte[] fileHash = new byte[HASH_BYTES];
            header.get(fileHash);
            String fileHashHex = HexFormat.of().formatHex(fileHash);
            if (!fileHashHex.equals(hash)) {
                throw new InvalidCacheFile("holds the logits of key " + fileHashHex + ", not of " + hash
                        + " (copied or renamed?)");
            }
            if (fileRows != rows || fileCols != cols) {
                throw new InvalidCacheFile("holds " + fileRows + " x " + fileCols + " logits, expected "
                        + rows + " x " + cols);
            }
            if (size != expectedSize) {
                throw new InvalidCacheFile((size < expectedSize ? "truncated: " : "trailing bytes: ") + size
                        + " bytes, expected " + expectedSize);
            }
            float[][] logits = new float[rows][cols];
            ByteBuffer row = ByteBuffer.allocate(cols * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] values : logits) {
                in.readFully(row.array());
                row.rewind();
                row.asFloatBuffer().get(values);
            }
            int computed = (int) crc.getValue();
            int stored = ByteBuffer.wrap(readFully(raw, CHECKSUM_BYTES)).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (stored != computed) {
                throw new InvalidCacheFile(String.format("checksum mismatch (stored %08x, computed %08x)",
                        stored, computed));
            }
            return logits;
        } catch (EOFException e) {
            throw new InvalidCacheFile("truncated while reading (" + size + " bytes)");
        }
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new EOFException();
        }
        return bytes;
    }
}
