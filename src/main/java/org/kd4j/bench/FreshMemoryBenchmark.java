package org.kd4j.bench;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kd4j.KdException;
import org.kd4j.util.Libc;

/**
 * What freshly mapped memory costs on this machine, against memory a process reuses: the figure behind the allocator
 * choice in {@code org.kd4j.util.NativeGarbage}. A training step allocates hundreds of MB of arrays; when the
 * allocator hands them back to the system and maps them again, every 4 KB page is faulted in and zeroed by the kernel
 * before the step can write it. On most machines that is cheap next to the step's arithmetic; on some virtual machines
 * a fault costs tens of times more (measured 2026-12-05: about 12 microseconds a page), and then returning memory
 * early is what makes training slow.
 *
 * <p>Three ways of writing {@code blockBytes}, each repeated until {@code bytesPerRun} are written, timed over
 * {@code runs} runs: a fresh anonymous mapping each time (map, write, unmap: what an allocator that returns freed
 * memory at once costs); the same with transparent huge pages asked for ({@code madvise(MADV_HUGEPAGE)}, one fault per
 * 2 MB where the kernel allows it); and one mapping written again and again (what reused memory costs). Linux only.
 */
public final class FreshMemoryBenchmark {

    private static final long MAP_FAILED = -1L;
    static final long PAGE_BYTES = 4096;

    private FreshMemoryBenchmark() {}

    /** One way of writing memory: GB/s over the runs, and microseconds per 4 KB page at the median. */
    public record Line(String name, EncoderBenchmark.Stats gigabytesPerSecond) {
        /** Microseconds per 4 KB page at the median rate. */
        public double microsPerPage() {
            return PAGE_BYTES / (gigabytesPerSecond.median() * 1e9) * 1e6;
        }
    }

    /** The three lines, fresh first, reused last. */
    public record Result(long blockBytes, long bytesPerRun, List<Line> lines) {
        /** How many times slower a fresh page is written than a reused one (medians of the same run). */
        public double freshOverReused() {
            return lines.get(lines.size() - 1).gigabytesPerSecond().median() / lines.get(0).gigabytesPerSecond().median();
        }

        public String toMarkdown() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "blocks of %d MB, %d MB written per run, %d runs; median (min..max)%n%n",
                    blockBytes >> 20, bytesPerRun >> 20, lines.get(0).gigabytesPerSecond().runs()));
            b.append("| writing | GB/s | microseconds per 4 KB page | time against reused memory |\n");
            b.append("|---|---:|---:|---:|\n");
            double reused = lines.get(lines.size() - 1).gigabytesPerSecond().median();
            for (Line line : lines) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.1fx |%n", line.name(),
                        line.gigabytesPerSecond().text(), line.microsPerPage(), reused / line.gigabytesPerSecond().median()));
            }
            b.append(String.format(Locale.ROOT, "%nA fresh page costs %.1fx a reused one here. Training allocates"
                    + " hundreds of MB a step: where this ratio is large, keep glibc's adaptive mmap threshold (the"
                    + " default) rather than -Dkd4j.mmapThreshold.%n", freshOverReused()));
            return b.toString();
        }
    }

    /**
     * Runs the three measurements.
     *
     * @param blockBytes bytes mapped and written at once (a multiple of 4 KB, at least 4 KB)
     * @param bytesPerRun bytes written per timed run (at least one block)
     * @param runs timed runs of each way, after one untimed
     */
    public static Result run(long blockBytes, long bytesPerRun, int runs) {
        if (blockBytes < PAGE_BYTES || blockBytes % PAGE_BYTES != 0) {
            throw new KdException("block size " + blockBytes + " bytes: expected a multiple of " + PAGE_BYTES + " bytes");
        }
        if (bytesPerRun < blockBytes) {
            throw new KdException("bytes per run " + bytesPerRun + ": expected at least one block (" + blockBytes + ")");
        }
        if (runs < 1) {
            throw new KdException("runs " + runs + ": expected at least 1");
        }
        Libc libc = libc();
        int blocks = (int) Math.min(Integer.MAX_VALUE, bytesPerRun / blockBytes);
        long written = blocks * blockBytes;
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("fresh mapping each time", time(runs, written, () -> fresh(libc, blockBytes, blocks, false))));
        lines.add(new Line("fresh mapping, huge pages asked for", time(runs, written, () -> fresh(libc, blockBytes, blocks, true))));
        Pointer kept = map(libc, blockBytes);
        try {
            lines.add(new Line("one mapping reused", time(runs, written, () -> {
                for (int i = 0; i < blocks; i++) {
                    kept.setMemory(0, blockBytes, (byte) (i + 1));
                }
            })));
        } finally {
            libc.munmap(kept, blockBytes);
        }
        return new Result(blockBytes, written, List.copyOf(lines));
    }

    private static EncoderBenchmark.Stats time(int runs, long bytes, Runnable work) {
        work.run(); // untimed: loads the code paths and the first pages
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            work.run();
            long nanos = Math.max(1, System.nanoTime() - start);
            rates[r] = bytes / (double) nanos; // bytes per nanosecond = GB/s
        }
        return EncoderBenchmark.Stats.of(rates);
    }

    private static void fresh(Libc libc, long blockBytes, int blocks, boolean hugePages) {
        for (int i = 0; i < blocks; i++) {
            Pointer p = map(libc, blockBytes);
            try {
                if (hugePages) {
                    libc.madvise(p, blockBytes, Libc.MADV_HUGEPAGE); // advice only: refused where THP is off
                }
                p.setMemory(0, blockBytes, (byte) 1);
            } finally {
                libc.munmap(p, blockBytes);
            }
        }
    }

    private static Pointer map(Libc libc, long bytes) {
        Pointer p = libc.mmap(null, bytes, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        if (p == null || Pointer.nativeValue(p) == MAP_FAILED) {
            throw new KdException("mmap of " + bytes + " bytes failed: not enough memory or address space for --block-mb");
        }
        return p;
    }

    private static Libc libc() {
        return Libc.linux().orElseThrow(() -> new KdException("bench memory maps memory with Linux's mmap; this is "
                + System.getProperty("os.name")));
    }
}
