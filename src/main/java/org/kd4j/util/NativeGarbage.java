package org.kd4j.util;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Frees the native memory of arrays nobody references any more, and hands it back to the operating system.
 *
 * <p>ND4J releases an array's off-heap buffer only when the garbage collector collects its Java object. A run's heap
 * is small and churns little, so collections are rare and the buffers of a finished phase (a fine-tuned teacher's
 * weights and optimiser moments, its inference sessions) stay resident while the next phase allocates its own.
 * Even once freed, glibc keeps large blocks in its arenas: its mmap threshold grows with every large block freed
 * (up to 32 MB), so later arrays come from the arenas and their memory stays resident after they are freed. The
 * main job peaked at 8.5 GB that way and died when held to 5 GB.
 *
 * <p>{@link #collect} (a collection, then {@code malloc_trim(0)}) is called between the phases of a run;
 * {@link #returnLargeFreesToTheSystem} (a fixed mmap threshold, so that large arrays are mapped and unmapped) only by
 * the commands that run whole pipelines ({@code distill}, {@code sweep}), which own their process: a library must not
 * change the allocator of its host. It costs speed: every large array is a fresh mapping whose pages are faulted in
 * (fine-tuning MiniLM measured 45 examples/s at 256 KB, peak 5.6 GB, against 67 examples/s at 2 MB, peak 8.0 GB).
 */
public final class NativeGarbage {

    private static final Logger LOG = LogManager.getLogger(NativeGarbage.class);
    /** glibc's {@code M_MMAP_THRESHOLD} parameter of {@code mallopt}. */
    private static final int M_MMAP_THRESHOLD = -3;
    /**
     * Blocks of at least this many bytes are mapped on their own and returned to the system when freed; the system
     * property {@code kd4j.mmapThreshold} overrides it (bytes; 0 leaves glibc's adaptive threshold).
     */
    private static final int MMAP_THRESHOLD_BYTES = 256 * 1024;

    private NativeGarbage() {}

    /** glibc's allocator controls. */
    private interface CLibrary extends Library {
        int malloc_trim(long pad);

        int mallopt(int param, int value);
    }

    /** The C library where it is glibc on Linux; null elsewhere. Loaded once per call site, holds no state. */
    private static CLibrary libc() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            return Native.load("c", CLibrary.class);
        } catch (Throwable e) { // UnsatisfiedLinkError on a libc without these symbols (musl)
            LOG.debug("no glibc allocator controls: {}", e.toString());
            return null;
        }
    }

    /** Collects now and trims the allocator; logs the resident memory before and after at debug level. */
    public static void collect(String phase) {
        long before = residentKb();
        System.gc();
        System.runFinalization();
        System.gc();
        CLibrary c = libc();
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
     * Fixes glibc's mmap threshold at 256 KB for this process, so that every large array is mapped on its own and its
     * memory returns to the system as soon as it is freed. For entry points that own the process only.
     */
    public static void returnLargeFreesToTheSystem() {
        int threshold = Integer.getInteger("kd4j.mmapThreshold", MMAP_THRESHOLD_BYTES);
        CLibrary c = threshold > 0 ? libc() : null;
        if (c == null) {
            return;
        }
        try {
            if (c.mallopt(M_MMAP_THRESHOLD, threshold) != 1) {
                LOG.debug("mallopt(M_MMAP_THRESHOLD) refused");
            }
        } catch (Throwable e) {
            LOG.debug("mallopt failed: {}", e.toString());
        }
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
