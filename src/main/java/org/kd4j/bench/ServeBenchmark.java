package org.kd4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.api.DistilledClassifier;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.Example;
import org.kd4j.eval.MarkdownTable;
import org.kd4j.export.OrtStudent;

/**
 * Serving speed of a student, text in and probabilities out: {@link DistilledClassifier} next to the same student
 * exported as ONNX and run by ONNX Runtime in the same process (tokenized by the same kd4j tokenizer, so the two
 * differ only in the runtime). Per run: latency of single sentences and of small batches (each request timed; p50 and
 * p99), then throughput of batch-1 requests under several concurrent callers. Each measurement is taken on both
 * runtimes one right after the other, the first of the two alternating ({@link #order}). Every figure is the median
 * over runs with the min..max spread; each line gives kd4j / ONNX Runtime.
 */
public final class ServeBenchmark {

    private static final Logger LOG = LogManager.getLogger(ServeBenchmark.class);

    /** One way of classifying texts: kd4j or ONNX Runtime. */
    public interface Runtime {
        String name();

        /** Classifies the examples (text or pair) and returns one row of probabilities each. */
        double[][] classify(List<Example> examples);
    }

    /** Median and spread over runs. */
    public record Stats(double median, double min, double max) {
        static Stats of(double[] values) {
            double[] s = values.clone();
            Arrays.sort(s);
            return new Stats(org.kd4j.util.Medians.of(s), s[0], s[s.length - 1]);
        }
    }

    /**
     * A measured line.
     *
     * @param lowerIsBetter latency (true) or throughput (false)
     */
    public record Line(String what, String unit, Stats kd4j, Stats ort, boolean lowerIsBetter) {
        public double ratio() {
            return kd4j.median() / ort.median();
        }
    }

    /**
     * Every line, with what was measured on.
     *
     * @param classifierHeader the classifier's column: "kd4j" on kd4j's engine, else the classifier and its engine
     */
    public record Result(String classifierHeader, String kd4jName, String ortName, int requests, int runs, int cores, List<Line> lines) {

        public String toMarkdown() {
            MarkdownTable t = new MarkdownTable("measure", classifierHeader, "min..max", ortName, "min..max",
                    classifierHeader + " / ONNX Runtime");
            for (Line l : lines) {
                String fmt = l.lowerIsBetter() ? "%.2f" : "%.0f";
                t.row(l.what() + " (" + l.unit() + ")", String.format(Locale.ROOT, fmt, l.kd4j().median()),
                        String.format(Locale.ROOT, fmt + ".." + fmt, l.kd4j().min(), l.kd4j().max()),
                        String.format(Locale.ROOT, fmt, l.ort().median()),
                        String.format(Locale.ROOT, fmt + ".." + fmt, l.ort().min(), l.ort().max()),
                        String.format(Locale.ROOT, "%.2f", l.ratio()));
            }
            return t.toString();
        }
    }

    /**
     * @param sentences  examples to classify, cycled to {@code requests}
     * @param requests   requests per measurement (at batch 1; batches take {@code requests} sentences in all)
     * @param batchSizes batch sizes timed for latency (1 first)
     * @param callers    concurrent callers for throughput
     * @param runs       repetitions; figures are medians over them
     * @param throughputSeconds least time of a throughput measurement: each caller goes over its share of the
     *                   requests again until this much time has passed (0: once)
     */
    public static Result run(String classifierHeader, Runtime kd4j, Runtime ort, List<Example> sentences, int requests,
                             int[] batchSizes, int[] callers, int runs, double throughputSeconds) {
        if (sentences.isEmpty() || requests < 1 || runs < 1 || !(throughputSeconds >= 0)) {
            throw new IllegalArgumentException("need sentences, requests >= 1, runs >= 1 and throughputSeconds >= 0");
        }
        List<Example> texts = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            texts.add(sentences.get(i % sentences.size()));
        }
        int maxCallers = Arrays.stream(callers).max().orElse(1);
        for (Runtime r : List.of(kd4j, ort)) {
            // untimed: graph set-up, one replica per worker (the most callers at once), JIT
            throughput(r, texts.subList(0, Math.min(texts.size(), 4 * maxCallers)), maxCallers, 0);
            latencies(r, texts.subList(0, Math.min(texts.size(), 20)), 1);
        }
        int kinds = 2 * batchSizes.length + callers.length;
        double[][][] values = new double[2][kinds][runs];
        for (int run = 0; run < runs; run++) {
            int k = 0;
            int measure = 0;
            for (int b : batchSizes) {
                for (int which : order(run, measure++)) {
                    double[] ms = latencies(which == 0 ? kd4j : ort, texts, b);
                    values[which][k][run] = percentile(ms, 0.50);
                    values[which][k + 1][run] = percentile(ms, 0.99);
                }
                k += 2;
            }
            for (int c : callers) {
                for (int which : order(run, measure++)) {
                    values[which][k][run] = throughput(which == 0 ? kd4j : ort, texts, c, throughputSeconds);
                }
                k++;
            }
            LOG.info("run {}/{} done", run + 1, runs);
        }
        List<Line> lines = new ArrayList<>();
        int k = 0;
        for (int b : batchSizes) {
            lines.add(new Line("p50 latency, batch " + b, "ms", Stats.of(values[0][k]), Stats.of(values[1][k]), true));
            k++;
            lines.add(new Line("p99 latency, batch " + b, "ms", Stats.of(values[0][k]), Stats.of(values[1][k]), true));
            k++;
        }
        for (int c : callers) {
            lines.add(new Line("throughput, batch 1, " + c + (c == 1 ? " caller" : " concurrent callers"), "sentences/s",
                    Stats.of(values[0][k]), Stats.of(values[1][k]), false));
            k++;
        }
        return new Result(classifierHeader, kd4j.name(), ort.name(), requests, runs, java.lang.Runtime.getRuntime().availableProcessors(), lines);
    }

    /**
     * Which runtime goes first in a measurement: the classifier (0) when {@code run + measure} is even, else ONNX
     * Runtime (1). The two sides of each line are measured one right after the other, and each goes first in half the
     * runs: measured in blocks, one runtime after the other, the side measured first in each run lost up to a quarter
     * of its throughput with 2 concurrent callers on a 2-core host, whichever runtime it was.
     */
    static int[] order(int run, int measure) {
        return (run + measure) % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0};
    }

    /** Milliseconds of each request of {@code batch} texts, one after the other on this thread. */
    static double[] latencies(Runtime r, List<Example> texts, int batch) {
        int n = Math.max(1, texts.size() / batch);
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            List<Example> request = texts.subList(i * batch, Math.min(texts.size(), (i + 1) * batch));
            long start = System.nanoTime();
            double[][] p = r.classify(request);
            ms[i] = (System.nanoTime() - start) / 1e6;
            if (p.length != request.size()) {
                throw new IllegalStateException(r.name() + ": " + p.length + " answers to " + request.size() + " texts");
            }
        }
        return ms;
    }

    /**
     * Sentences per second of batch-1 requests from {@code callers} threads sharing {@code texts}: each caller goes over
     * its share (every {@code callers}-th text) and again until {@code seconds} have passed since the start (at least
     * once); the time ends when the last caller ends.
     */
    static double throughput(Runtime r, List<Example> texts, int callers, double seconds) {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            long[] t0 = new long[1];
            long window = (long) (seconds * 1e9);
            List<Future<Long>> done = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int first = c;
                done.add(pool.submit(() -> {
                    start.await();
                    long calls = 0;
                    if (first >= texts.size()) {
                        return calls; // more callers than texts: this one has no share
                    }
                    do {
                        for (int i = first; i < texts.size(); i += callers) {
                            r.classify(texts.subList(i, i + 1));
                            calls++;
                        }
                    } while (System.nanoTime() - t0[0] < window);
                    return calls;
                }));
            }
            t0[0] = System.nanoTime();
            start.countDown(); // publishes t0 to the callers
            long calls = 0;
            for (Future<Long> f : done) {
                calls += f.get();
            }
            return calls / ((System.nanoTime() - t0[0]) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(r.name() + " failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(q * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    /** The classifier's column header: "kd4j" on kd4j's own engine, else the classifier on its engine. */
    public static String header(DistilledClassifier.Engine engine) {
        return engine == DistilledClassifier.Engine.KD4J ? "kd4j" : "DistilledClassifier on ONNX Runtime";
    }

    /** kd4j's runtime: {@link DistilledClassifier} on its engine, what an application calls. */
    public static Runtime kd4j(DistilledClassifier classifier) {
        return new Runtime() {
            @Override
            public String name() {
                DistilledClassifier.Options o = classifier.options();
                return o.engine() == DistilledClassifier.Engine.KD4J ? "kd4j (" + o.workers() + " workers"
                        + (o.coalescing() ? ", coalescing up to " + o.batchSize() + " rows)" : ")")
                        : "DistilledClassifier (" + o.workers() + " workers) on " + classifier.engineRuntime();
            }

            @Override
            public double[][] classify(List<Example> examples) {
                List<String[]> pairs = new ArrayList<>(examples.size());
                examples.forEach(e -> pairs.add(new String[] {e.textA(), e.textB()}));
                List<DistilledClassifier.Prediction> out = classifier.classifyPairs(pairs);
                double[][] p = new double[out.size()][];
                for (int i = 0; i < p.length; i++) {
                    DistilledClassifier.Prediction pr = out.get(i);
                    p[i] = classifier.task().isRegression() ? new double[] {pr.score()}
                            : pr.probabilities().values().stream().mapToDouble(Double::doubleValue).toArray();
                }
                return p;
            }
        };
    }

    /**
     * ONNX Runtime on the exported student, fed by the same tokenizer and padding as {@link DistilledClassifier}: the
     * request's texts encoded, padded to the longest, run, softmax.
     */
    public static Runtime onnxRuntime(OrtStudent session, DistilledClassifier classifier, int threads) {
        return new Runtime() {
            @Override
            public String name() {
                return session.runtime() + " (" + threads + " thread" + (threads == 1 ? "" : "s") + " per session run)";
            }

            @Override
            public double[][] classify(List<Example> examples) {
                EncodedDataset data = EncodedDataset.encode(classifier.task(), examples, classifier.tokenizer(), classifier.maxLength());
                int[] all = new int[data.size()];
                Arrays.setAll(all, i -> i);
                float[][] logits = session.logits(Batch.of(data, all, 0, classifier.tokenizer().padId()));
                double[][] p = new double[logits.length][];
                for (int i = 0; i < p.length; i++) {
                    p[i] = classifier.task().isRegression() ? new double[] {logits[i][0]} : softmax(logits[i]);
                }
                return p;
            }
        };
    }

    private static double[] softmax(float[] z) {
        return org.kd4j.eval.Softmax.of(z, 1.0, new double[z.length]);
    }
}
