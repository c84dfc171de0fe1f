package org.kd4j.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.Encoding;
import org.kd4j.distill.train.StepTimer;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.NativeGarbage;
import org.kd4j.util.Nd4jProcess;
import org.kd4j.util.Parallelism;

/**
 * Not a test: trains (or runs) a tiny model on synthetic batches of varying lengths and prints the resident memory
 * after a collection every N steps. Settings by system property:
 * {@code probe.type} (bilstm), {@code probe.mode} (train | infer), {@code probe.steps} (400), {@code probe.every} (50),
 * {@code probe.lengths} (vary | fixed), {@code probe.maxLength} (64), {@code probe.batch} (32), {@code probe.hidden} (128),
 * {@code probe.workers} (1), {@code probe.threads} (1), {@code probe.helpersOnce} (false: keep helpers off for the whole
 * run, so the per-call toggle does nothing), {@code probe.mmap} (true: glibc mmap threshold as distill sets it),
 * {@code probe.release} (false: free the inference sessions' array caches before each reading, as a pass over a data
 * set does), {@code probe.trim} (false: malloc_trim before each reading), {@code probe.histo} (false: live ND4J objects).
 *
 * <pre>flock /tmp/kd4j-build.lock mvn -o -B exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.kd4j.probe.BiLstmMemoryProbe -Dprobe.steps=400</pre>
 */
public final class BiLstmMemoryProbe {

    private BiLstmMemoryProbe() {}

    public static void main(String[] args) {
        ModelType type = ModelType.valueOf(System.getProperty("probe.type", "bilstm").toUpperCase(java.util.Locale.ROOT));
        String mode = System.getProperty("probe.mode", "train");
        int steps = Integer.getInteger("probe.steps", 400);
        int every = Integer.getInteger("probe.every", 50);
        boolean vary = System.getProperty("probe.lengths", "vary").equals("vary");
        int maxLength = Integer.getInteger("probe.maxLength", 64);
        int batchSize = Integer.getInteger("probe.batch", 32);
        int hidden = Integer.getInteger("probe.hidden", 128);
        int workers = Integer.getInteger("probe.workers", 1);
        boolean helpersOnce = Boolean.getBoolean("probe.helpersOnce");
        if (Boolean.parseBoolean(System.getProperty("probe.mmap", "true"))) {
            NativeGarbage.applyMmapThreshold();
        }
        int threads = Integer.getInteger("probe.threads", 1);
        Nd4jProcess.threadsPerOp(threads); // this probe is its own process's entry point
        Parallelism parallelism = new Parallelism(threads, workers, 0);
        boolean stepPool = Boolean.parseBoolean(System.getProperty("probe.stepPool", "true"));
        int vocab = 200;
        int distinct = Integer.getInteger("probe.batches", 64);
        EncodedDataset data = data(distinct, batchSize, vocab, maxLength, vary, 11);
        ModelConfig config = ModelConfig.of(type, 1, hidden, 2, hidden, 128, Pooling.MEAN);
        TextClassifier model = TextClassifier.create(config, vocab, 2, 3);
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < distinct; i++) {
            int[] idx = new int[batchSize];
            for (int j = 0; j < batchSize; j++) {
                idx[j] = i * batchSize + j;
            }
            batches.add(Batch.of(data, idx, 0, 0));
        }
        System.out.printf("probe: %s %s, %s lengths up to %d, batch %d, hidden %d, workers %d, helpers %s, stepPool %s%n",
                type, mode, vary ? "varying" : "fixed", maxLength, batchSize, hidden, workers,
                helpersOnce ? "off once" : "toggled per call", stepPool);
        Runnable loop = () -> {
            long start = System.nanoTime();
            long first = 0;
            long afterFirst = 0;
            try (StepTimer timer = StepTimer.of(model, data, parallelism, stepPool)) {
                for (int s = 1; s <= steps; s++) {
                    Batch b = batches.get(s % batches.size());
                    if (mode.equals("train")) {
                        timer.step(b);
                    } else {
                        model.logits(b, parallelism);
                    }
                    if (s == 1) {
                        afterFirst = System.nanoTime();
                    }
                    if (s == steps) {
                        System.out.printf("step timing: %.1f ms per step after the first%n", (System.nanoTime() - afterFirst) / 1e6 / Math.max(1, steps - 1));
                    }
                    if (s % every == 0 || s == 1) {
                        if (Boolean.getBoolean("probe.release")) {
                            model.releaseInferenceMemory(); // as a full inference pass ends
                        }
                        System.gc();
                        if (Boolean.getBoolean("probe.trim")) {
                            NativeGarbage.collect("probe");
                        }
                        long rss = settledResidentKb();
                        if (first == 0) {
                            first = rss;
                        }
                        java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                        System.out.printf("step %5d  rss %7d MB  (+%d MB since step 1)  heap %d/%d MB  javacpp %d MB  %.1f s%n", s,
                                rss / 1024, (rss - first) / 1024, heap.getUsed() >> 20, heap.getCommitted() >> 20,
                                org.bytedeco.javacpp.Pointer.totalBytes() >> 20, (System.nanoTime() - start) / 1e9);
                        if (Boolean.getBoolean("probe.histo")) {
                            histogram(s);
                        }
                    }
                }
            }
        };
        if (helpersOnce) {
            org.kd4j.testing.PlatformHelpersOff.call(() -> {
                loop.run();
                return null;
            });
        } else {
            loop.run();
        }
        System.exit(0);
    }

    /**
     * Resident memory once ND4J's deallocator threads have freed what the last collection found (they work after it):
     * read every 100 ms until it stops falling, at most 3 s.
     */
    static long settledResidentKb() {
        long last = NativeGarbage.residentKb();
        for (int i = 0; i < 30; i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = NativeGarbage.residentKb();
            if (now >= last - 1024) {
                return Math.min(now, last);
            }
            last = now;
        }
        return last;
    }

    /** Live-object counts of ND4J's array and buffer classes (a full collection first). */
    private static void histogram(int step) {
        try {
            Object out = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "lstm-histo-" + step + ".txt"), out.toString());
            for (String line : out.toString().split("\n")) {
                if (line.matches(".*(NDArray|DataBuffer|OpaqueDataBuffer|Pointer|ShapeDescriptor|OpContext|InferenceSession|SameDiffOp).*")) {
                    System.out.println("step   histo " + line.trim());
                }
            }
        } catch (Exception e) {
            System.out.println("step   histo failed " + e);
        }
    }

    /**
     * {@code batches} x {@code batchSize} rows of random token ids, batch by batch: batch i's rows are 0..3 tokens
     * shorter than its length, which cycles over 4..maxLength (varying) or is always maxLength (fixed).
     */
    static EncodedDataset data(int batches, int batchSize, int vocab, int maxLength, boolean vary, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Encoding> encodings = new ArrayList<>();
        int n = batches * batchSize;
        int[] labels = new int[n];
        double[] scores = new double[n];
        for (int b = 0; b < batches; b++) {
            int top = vary ? 4 + (b * 37) % (maxLength - 3) : maxLength;
            for (int j = 0; j < batchSize; j++) {
                int i = b * batchSize + j;
                int length = j == 0 ? top : top - random.nextInt(Math.min(4, top - 1));
                int[] ids = new int[length];
                for (int t = 0; t < length; t++) {
                    ids[t] = 1 + random.nextInt(vocab - 1);
                }
                encodings.add(new Encoding(ids, new int[length]));
                labels[i] = random.nextInt(2);
                scores[i] = Double.NaN;
            }
        }
        return new EncodedDataset(GlueTask.SST2, encodings, labels, scores, maxLength);
    }
}
