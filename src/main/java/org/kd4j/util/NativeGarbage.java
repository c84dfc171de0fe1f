package org.kd4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;

/**
 * Frees the native memory of arrays nobody references any more, and hands it back to the operating system.
 *
 * <p>ND4J releases an array's off-heap buffer only when the garbage collector collects its Java object. A run's heap
 * is small and churns little, so collections are rare and the buffers of a finished phase (a fine-tuned teacher's
 * weights and optimiser moments, its inference sessions) stay resident while the next phase allocates its own.
 * {@link #collect} (a collection, then {@code malloc_trim(0)}) is called between the phases of a run.
 *
 * <p>Within a phase glibc's adaptive mmap threshold is left alone: freed blocks stay in its arenas and the next step
 * reuses them. {@link #applyMmapThreshold} can fix the threshold instead (system property {@code kd4j.mmapThreshold},
 * bytes), so that every larger array is mapped on its own and unmapped when freed: resident memory then follows the
 * live arrays more closely, but every such array's pages are faulted in afresh. That was the default until
 * 2026-12-05, at 256 KB, when the pretrained preset peaked at 8.5 GB without it. Since the step pool and the freed
 * inference caches it peaks at 5.7 GB either way, and the fixed threshold only cost speed: fine-tuning MiniLM in the
 * main job ran at 16.7 examples/s with 256 KB against 28.1 with glibc's default (the same probe one after the other,
 * a machine where a fresh page costs about 12 microseconds, {@code bench memory}; {@code docs/performance.md}).
 */
public final class NativeGarbage {

    private static final Logger LOG = LogManager.getLogger(NativeGarbage.class);
    /** The system property that fixes glibc's mmap threshold, in bytes; unset or 0 leaves glibc's adaptive one. */
    public static final String MMAP_THRESHOLD_PROPERTY = "kd4j.mmapThreshold";

    private NativeGarbage() {}

    /** The C library where it is on Linux; null elsewhere. Loaded once per call site, holds no state. */
    private static Libc libc() {
        Libc c = Libc.linux().orElse(null);
        if (c == null) {
            LOG.debug("no C library allocator controls on {}", System.getProperty("os.name"));
        }
        return c;
    }

    /** Collects now and trims the allocator; logs the resident memory before and after at debug level. */
    public static void collect(String phase) {
        long before = residentKb();
        System.gc();
        System.runFinalization();
        System.gc();
        Libc c = libc();
        if (c != null) {
            try {
                c.malloc_trim(0);
            } catch (Throwable e) {
                LOG.debug("malloc_trim failed: {}", e.toString());
            }
        }
        LOG.debug("after {}: resident {} MB -> {} MB", phase, before / 1024, residentKb() / 1024);
    }

    /**
     * Fixes glibc's mmap threshold for this process when {@value #MMAP_THRESHOLD_PROPERTY} asks for one (bytes, above
     * 0), so that every larger array is mapped on its own and its memory returns to the system as soon as it is freed;
     * otherwise leaves glibc's adaptive threshold. For entry points that own the process only: a library must not
     * change the allocator of its host.
     *
     * @throws KdException when the property is not a whole number of bytes from 0 to 2^31 - 1
     */
    public static void applyMmapThreshold() {
        int threshold = mmapThreshold(System.getProperty(MMAP_THRESHOLD_PROPERTY));
        Libc c = threshold > 0 ? libc() : null;
        if (c == null) {
            return;
        }
        try {
            if (c.mallopt(Libc.M_MMAP_THRESHOLD, threshold) != 1) {
                LOG.debug("mallopt(M_MMAP_THRESHOLD, {}) refused", threshold);
            }
        } catch (Throwable e) {
            LOG.debug("mallopt failed: {}", e.toString());
        }
    }

    /** The threshold a value of {@value #MMAP_THRESHOLD_PROPERTY} asks for: 0 (glibc's own) when null or blank. */
    static int mmapThreshold(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int bytes = Integer.parseInt(value.strip());
            if (bytes >= 0) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new KdException("-D" + MMAP_THRESHOLD_PROPERTY + "=" + value + " is not a threshold: expected a whole number"
                + " of bytes from 0 (glibc's adaptive threshold) to " + Integer.MAX_VALUE + ", for example 262144");
    }

    /** The process's resident set (VmRSS) in KB; 0 where /proc is not available. */
    public static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
