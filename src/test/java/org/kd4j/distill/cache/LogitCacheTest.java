package org.kd4j.distill.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;

class LogitCacheTest {

    private static final int ROWS = 3;
    private static final int COLS = 2;
    private static final float[][] LOGITS = {{1.5f, -2f}, {0f, 3.25f}, {-0.125f, 1e-7f}};

    @TempDir
    Path dir;
    Path root;
    Path model;
    Path data;
    LogitCache cache;
    AtomicInteger calls;

    @BeforeEach
    void setUp() throws IOException {
        root = dir.resolve("cache");
        model = Files.write(dir.resolve("teacher.sdz"), new byte[] {10, 20, 30});
        data = Files.writeString(dir.resolve("dev.tsv"), "sentence\tlabel\na\t0\nb\t1\nc\t0\n");
        cache = new LogitCache(root);
        calls = new AtomicInteger();
    }

    private CacheKey key() {
        return new CacheKey(model, data, "fp", 128, "dev");
    }

    private Supplier<float[][]> counting(float[][] result) {
        return () -> {
            calls.incrementAndGet();
            float[][] copy = new float[result.length][];
            for (int i = 0; i < result.length; i++) {
                copy[i] = result[i].clone();
            }
            return copy;
        };
    }

    private float[][] get(CacheKey key) {
        return cache.getOrCompute(key, ROWS, COLS, counting(LOGITS));
    }

    /**
     * Pooled representations live beside the logits under the same key, in a file of their own kind: neither stands in
     * for the other, even when a file is renamed to the other's name.
     */
    @Test
    void pooledRepresentationsAreAKindOfTheirOwn() throws IOException {
        LogitCache pooled = new LogitCache(root, CacheKind.POOLED);
        float[][] vectors = {{1f, 2f, 3f}, {4f, 5f, 6f}, {7f, 8f, 9f}};
        assertArrayEquals(LOGITS, get(key()));
        assertArrayEquals(vectors, pooled.getOrCompute(key(), ROWS, 3, counting(vectors)));
        assertEquals(2, calls.get());
        Path logitsFile = cache.file(key());
        Path pooledFile = pooled.file(key());
        assertEquals(logitsFile.getFileName().toString().replace(".logits", ".pooled"), pooledFile.getFileName().toString());
        assertEquals("KDPC", new String(Files.readAllBytes(pooledFile), 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertArrayEquals(vectors, pooled.getOrCompute(key(), ROWS, 3, counting(vectors)));
        assertEquals(2, calls.get(), "a hit");
        // a logits file of the same shape renamed to the pooled name is caught by its magic, and recomputed
        float[][] square = {{1f, 2f}, {3f, 4f}, {5f, 6f}};
        Files.copy(logitsFile, pooledFile, StandardCopyOption.REPLACE_EXISTING);
        assertArrayEquals(square, pooled.getOrCompute(key(), ROWS, COLS, counting(square)));
        assertEquals(3, calls.get());
    }

    /**
     * A mirror (a results ledger's folder) gets a copy of every file the cache computes or finds, and stands in for the
     * cache when it lacks a file; an invalid mirror file is neither used nor deleted.
     */
    @Test
    void theMirrorKeepsACopyAndStandsInForAMissingFile() throws IOException {
        Path mirror = dir.resolve("ledger");
        LogitCache mirrored = new LogitCache(root, CacheKind.LOGITS, mirror);
        assertArrayEquals(LOGITS, mirrored.getOrCompute(key(), ROWS, COLS, counting(LOGITS)));
        assertEquals(1, calls.get());
        Path copy = mirror.resolve(key().hash() + ".logits");
        assertArrayEquals(Files.readAllBytes(cache.file(key())), Files.readAllBytes(copy), "computed: copied to the mirror");

        // the cache's file gone (a fresh machine): read from the mirror, copied back, not computed
        Files.delete(cache.file(key()));
        assertArrayEquals(LOGITS, mirrored.getOrCompute(key(), ROWS, COLS, counting(LOGITS)));
        assertEquals(1, calls.get(), "from the mirror");
        assertTrue(Files.isRegularFile(cache.file(key())), "copied into the cache");
        Files.delete(cache.file(key()));
        assertTrue(mirrored.holds(key().hash(), ROWS, COLS));
        assertTrue(Files.isRegularFile(cache.file(key())), "holds copies it into the cache too");

        // a cache hit the mirror lacks is copied there
        Files.delete(copy);
        assertArrayEquals(LOGITS, mirrored.getOrCompute(key(), ROWS, COLS, counting(LOGITS)));
        assertTrue(Files.isRegularFile(copy));

        // an invalid mirror file (truncated) is ignored and kept as it is; the logits are computed
        Files.delete(cache.file(key()));
        byte[] whole = Files.readAllBytes(copy);
        Files.write(copy, Arrays.copyOf(whole, whole.length - 3));
        assertArrayEquals(LOGITS, mirrored.getOrCompute(key(), ROWS, COLS, counting(LOGITS)));
        assertEquals(2, calls.get(), "computed");
        assertEquals(whole.length - 3, Files.size(copy), "the mirror's file is left alone");
        assertFalse(new LogitCache(root).mirror().isPresent());
    }

    @Test
    void hitAfterMiss() throws IOException {
        assertArrayEquals(LOGITS, get(key()));
        assertEquals(1, calls.get());
        assertArrayEquals(LOGITS, get(key()));
        assertArrayEquals(LOGITS, get(key()));
        assertEquals(1, calls.get());
        Path file = cache.file(key());
        assertEquals(root.resolve(key().hash() + ".logits"), file);
        assertEquals(LogitCache.HEADER_BYTES + ROWS * COLS * 4 + 4, Files.size(file));
        assertEquals(List.of(file), files());
    }

    @Test
    void fileLayoutIsLittleEndianWithHeader() throws IOException {
        get(key());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(cache.file(key()))).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        assertArrayEquals("KDLC".getBytes(), magic);
        assertEquals(1, b.getInt());
        assertEquals(ROWS, b.getInt());
        assertEquals(COLS, b.getInt());
        b.position(LogitCache.HEADER_BYTES);
        assertEquals(1.5f, b.getFloat());
        assertEquals(-2f, b.getFloat());
    }

    @Test
    void eachKeyFieldChangeRecomputes() throws IOException {
        get(key());
        Files.write(model, new byte[] {10, 20, 31});
        get(key());
        assertEquals(2, calls.get());
        Files.writeString(data, "sentence\tlabel\na\t0\nb\t1\nd\t0\n");
        get(key());
        assertEquals(3, calls.get());
        get(new CacheKey(model, data, "fp2", 128, "dev"));
        assertEquals(4, calls.get());
        get(new CacheKey(model, data, "fp", 64, "dev"));
        assertEquals(5, calls.get());
        get(new CacheKey(model, data, "fp", 128, "train"));
        assertEquals(6, calls.get());
        get(new CacheKey(model, data, "fp", 128, "train"));
        assertEquals(6, calls.get());
        assertEquals(6, files().size());
    }

    @Test
    void truncatedFileIsRecomputed() throws IOException {
        assertCorruptionRecomputed(bytes -> Arrays.copyOf(bytes, bytes.length - 5));
    }

    @Test
    void fileCutInsideTheHeaderIsRecomputed() throws IOException {
        assertCorruptionRecomputed(bytes -> Arrays.copyOf(bytes, 10));
    }

    @Test
    void flippedPayloadByteIsRecomputed() throws IOException {
        assertCorruptionRecomputed(bytes -> {
            bytes[LogitCache.HEADER_BYTES + 5] ^= 0x01;
            return bytes;
        });
    }

    @Test
    void wrongMagicIsRecomputed() throws IOException {
        assertCorruptionRecomputed(bytes -> {
            bytes[0] = 'X';
            return bytes;
        });
    }

    @Test
    void wrongVersionIsRecomputed() throws IOException {
        assertCorruptionRecomputed(bytes -> {
            bytes[4] = 2;
            return bytes;
        });
    }

    @Test
    void fileOfAnotherKeyIsRecomputed() throws IOException {
        CacheKey other = new CacheKey(model, data, "fp", 128, "train");
        get(other);
        get(key());
        assertEquals(2, calls.get());
        // a file copied under the wrong name: same shape, valid checksum, but another key's hash
        Files.copy(cache.file(other), cache.file(key()), StandardCopyOption.REPLACE_EXISTING);
        float[][] recomputedLogits = {{7f, 7f}, {7f, 7f}, {7f, 7f}};
        assertArrayEquals(recomputedLogits, cache.getOrCompute(key(), ROWS, COLS, counting(recomputedLogits)));
        assertEquals(3, calls.get());
        assertArrayEquals(recomputedLogits, get(key()));
        assertEquals(3, calls.get());
        assertArrayEquals(LOGITS, get(other));
        assertEquals(3, calls.get());
    }

    @Test
    void wrongDimensionsAreRecomputed() throws IOException {
        get(key());
        float[][] four = {{1f, 2f}, {3f, 4f}, {5f, 6f}, {7f, 8f}};
        assertArrayEquals(four, cache.getOrCompute(key(), 4, COLS, counting(four)));
        assertEquals(2, calls.get());
        assertArrayEquals(four, cache.getOrCompute(key(), 4, COLS, counting(four)));
        assertEquals(2, calls.get());
        float[][] threeCols = {{1f, 2f, 3f}, {4f, 5f, 6f}, {7f, 8f, 9f}};
        assertArrayEquals(threeCols, cache.getOrCompute(key(), ROWS, 3, counting(threeCols)));
        assertEquals(3, calls.get());
        assertEquals(LogitCache.HEADER_BYTES + 9 * 4 + 4, Files.size(cache.file(key())));
    }

    @Test
    void nanFromComputeIsAnErrorAndNothingIsWritten() throws IOException {
        float[][] bad = {{1f, 2f}, {Float.NaN, 0f}, {0f, 0f}};
        KdException e = assertThrows(KdException.class, () -> cache.getOrCompute(key(), ROWS, COLS, counting(bad)));
        assertTrue(e.getMessage().contains(model.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("row 1, column 0"), e.getMessage());
        assertEquals(List.of(), files());
        // the next call computes again, and a valid result is then stored
        assertArrayEquals(LOGITS, get(key()));
        assertEquals(2, calls.get());
        assertEquals(1, files().size());
    }

    @Test
    void infinityAndWrongShapeFromComputeAreErrors() throws IOException {
        float[][] inf = {{1f, 2f}, {0f, 0f}, {0f, Float.NEGATIVE_INFINITY}};
        assertThrows(KdException.class, () -> cache.getOrCompute(key(), ROWS, COLS, counting(inf)));
        float[][] shortRow = {{1f, 2f}, {0f}, {0f, 0f}};
        KdException e = assertThrows(KdException.class,
                () -> cache.getOrCompute(key(), ROWS, COLS, counting(shortRow)));
        assertTrue(e.getMessage().contains(model.toString()) && e.getMessage().contains("row 1"), e.getMessage());
        float[][] twoRows = {{1f, 2f}, {0f, 0f}};
        assertThrows(KdException.class, () -> cache.getOrCompute(key(), ROWS, COLS, counting(twoRows)));
        assertThrows(KdException.class, () -> cache.getOrCompute(key(), ROWS, COLS, () -> null));
        assertEquals(List.of(), files());
    }

    @Test
    void concurrentCallersComputeOnce() throws Exception {
        int threads = 4;
        CountDownLatch allCalling = new CountDownLatch(threads);
        Supplier<float[][]> slow = () -> {
            calls.incrementAndGet();
            try {
                // the first caller computes only once every thread is inside getOrCompute's call site
                assertTrue(allCalling.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new float[][] {LOGITS[0].clone(), LOGITS[1].clone(), LOGITS[2].clone()};
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    allCalling.countDown();
                    return cache.getOrCompute(key(), ROWS, COLS, slow);
                }));
            }
            for (Future<float[][]> f : results) {
                assertArrayEquals(LOGITS, f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, calls.get());
        assertEquals(1, files().size());
    }

    /** Writes a valid file, damages it, and checks it is discarded, recomputed and rewritten valid. */
    private void assertCorruptionRecomputed(UnaryOperator<byte[]> damage) throws IOException {
        get(key());
        Path file = cache.file(key());
        byte[] valid = Files.readAllBytes(file);
        byte[] damaged = damage.apply(valid.clone());
        assertFalse(Arrays.equals(valid, damaged));
        Files.write(file, damaged);

        assertArrayEquals(LOGITS, get(key()));
        assertEquals(2, calls.get(), "damaged file must be recomputed");
        assertArrayEquals(valid, Files.readAllBytes(file), "file rewritten valid");
        assertArrayEquals(LOGITS, get(key()));
        assertEquals(2, calls.get(), "rewritten file is a hit");
        assertEquals(List.of(file), files(), "no temp files left");
    }

    private List<Path> files() throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.sorted().toList();
        }
    }

    @Test
    void hashesDifferForDifferentKeys() {
        assertNotEquals(cache.file(key()), cache.file(new CacheKey(model, data, "fp", 128, "train")));
    }
}
