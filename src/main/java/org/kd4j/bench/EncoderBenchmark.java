package org.kd4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.bench.peer.EncoderShape;
import org.kd4j.bench.peer.TrainingPeer;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.distill.train.StepTimer;
import org.kd4j.eval.MarkdownTable;
import org.kd4j.imports.encoder.RecognizedEncoder;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.TransformerConfig;
import org.kd4j.util.Parallelism;

/**
 * Pretrained encoders on kd4j's own transformer against their peers, side by side in one process: inference against
 * ONNX Runtime running the very ONNX file the encoder was read from, and fine-tuning against PyTorch (through DJL; a
 * test-scope peer found with {@link TrainingPeer#find()}) on a model of the same shape. Every figure is the median of
 * several runs, with the min..max spread, and each line gives kd4j / peer.
 */
public final class EncoderBenchmark {

    private static final Logger LOG = LogManager.getLogger(EncoderBenchmark.class);

    /**
     * One measured comparison.
     *
     * @param flopsPerExample forward (inference) or forward + backward (training, 3x forward) FLOPs of the matrix
     *                        products per example, for the GFLOP/s columns; 0 when unknown
     */
    public record Line(String what, Stats ours, Stats peer, String peerName, double flopsPerExample) {
        public double ratio() {
            return peer == null ? Double.NaN : ours.median() / peer.median();
        }
    }

    /** Median and spread of examples/s over runs. */
    public record Stats(double median, double min, double max, int runs) {
        static Stats of(double[] rates) {
            double[] s = rates.clone();
            Arrays.sort(s);
            return new Stats(org.kd4j.util.Medians.of(s), s[0], s[s.length - 1], s.length);
        }

        String text() {
            return String.format(Locale.ROOT, "%.1f (%.1f..%.1f)", median, min, max);
        }
    }

    /** Resident memory of the process while fine-tuning. */
    public record MemoryTrace(int steps, int batch, int length, long[] residentKbByStep, int every) {
        public long peakKb() {
            return Arrays.stream(residentKbByStep).max().orElse(0);
        }

        /** Resident memory at the last sample minus at step {@code from} (KB). */
        public long growthAfterKb(int from) {
            int i = Math.min(residentKbByStep.length - 1, from / every);
            return residentKbByStep[residentKbByStep.length - 1] - residentKbByStep[i];
        }
    }

    private EncoderBenchmark() {}

    /** Markdown table of lines: examples/s (median, min..max), the ratio, and the model GFLOP/s each side reaches. */
    public static String table(List<Line> lines) {
        MarkdownTable t = new MarkdownTable("measure", "kd4j examples/s", "peer", "peer examples/s", "kd4j / peer",
                "kd4j GFLOP/s", "peer GFLOP/s");
        for (Line l : lines) {
            t.row(l.what(), l.ours().text(), l.peerName() == null ? "-" : l.peerName(), l.peer() == null ? "-" : l.peer().text(),
                    l.peer() == null ? "-" : String.format(Locale.ROOT, "%.2fx", l.ratio()),
                    gflops(l.ours(), l.flopsPerExample()), l.peer() == null ? "-" : gflops(l.peer(), l.flopsPerExample()));
        }
        return t.toString();
    }

    private static String gflops(Stats s, double flopsPerExample) {
        return flopsPerExample <= 0 ? "-" : String.format(Locale.ROOT, "%.0f", s.median() * flopsPerExample / 1e9);
    }

    /** Forward FLOPs per example of the matrix products over these batches (0 for models without a FLOP count). */
    static double flopsPerExample(ModelConfig c, List<Batch> batches) {
        long tokens = 0;
        long examples = 0;
        for (Batch b : batches) {
            tokens += (long) b.size() * b.length();
            examples += b.size();
        }
        return StudentBenchmark.forwardFlops(c, tokens, batches) / examples;
    }

    /**
     * Inference: the native encoder (with a head, mean pooling) against ONNX Runtime on the original file (all graph
     * optimisations, {@code ortThreads} intra-op threads), pass after pass over the same batches, alternating.
     */
    public static Line inference(String what, RecognizedEncoder encoder, Path onnx, List<Batch> batches, int runs, int ortThreads,
                                 Parallelism parallelism) throws OrtException {
        TextClassifier model = encoder.classifier(2, Pooling.MEAN, 1);
        try (OrtRunner ort = new OrtRunner(onnx, ortThreads, encoder.sourceInputs())) {
            for (int w = 0; w < 3; w++) {
                model.logits(batches.get(w % batches.size()), parallelism);
                ort.run(batches.get(w % batches.size()));
            }
            double[] ours = new double[runs];
            double[] theirs = new double[runs];
            for (int r = 0; r < runs; r++) {
                ours[r] = pass(batches, b -> model.logits(b, parallelism));
                theirs[r] = pass(batches, b -> {
                    try {
                        ort.run(b);
                    } catch (OrtException e) {
                        throw new IllegalStateException("ONNX Runtime failed on " + onnx + ": " + e.getMessage(), e);
                    }
                });
                LOG.info("{} run {}: kd4j {} ex/s, ONNX Runtime {} ex/s", what, r + 1, fmt(ours[r]), fmt(theirs[r]));
            }
            return new Line(what, Stats.of(ours), Stats.of(theirs), ort.name(), flopsPerExample(model.config(), batches));
        }
    }

    /**
     * Fine-tuning: native training steps (forward, backward, AdamW) on {@code batch x length} random ids against the peer's
     * steps on a model of the same shape; each run is {@code steps} steps after warm-up.
     */
    public static Line training(RecognizedEncoder encoder, int batch, int length, int steps, int runs, Parallelism parallelism)
            throws Exception {
        String what = String.format(Locale.ROOT, "fine-tuning, batch %d x %d tokens", batch, length);
        TextClassifier model = encoder.classifier(2, Pooling.MEAN, 1);
        TransformerConfig c = (TransformerConfig) model.config();
        EncodedDataset data = StudentBenchmark.randomData(batch * steps, length, model.embeddings().vocabSize(), 3);
        List<Batch> batches = fixedBatches(data, batch, length);
        double[] ours = new double[runs];
        try (StepTimer timer = StepTimer.of(model, data, parallelism)) {
            // warm-up: the step array pool fills and the JIT settles over the first few steps
            for (int w = 0; w < 6; w++) {
                timer.step(batches.get(w % batches.size()));
            }
            for (int r = 0; r < runs; r++) {
                ours[r] = pass(batches, timer::step);
                LOG.info("{} run {}: kd4j {} ex/s", what, r + 1, fmt(ours[r]));
            }
        }
        Optional<TrainingPeer> found = TrainingPeer.find();
        if (found.isEmpty()) {
            LOG.warn("no training peer on the classpath (PyTorch through DJL is test-scoped: run with -Dexec.classpathScope=test)");
            return new Line(what, Stats.of(ours), null, null, 3 * flopsPerExample(c, batches));
        }
        double[] theirs = new double[runs];
        try (TrainingPeer peer = found.get()) {
            peer.setUp(new EncoderShape(c.layers(), c.hidden(), c.heads(), c.ffn(), model.embeddings().vocabSize(), c.maxPositions(),
                    2, 2), batch, length, 3);
            for (int w = 0; w < 6; w++) {
                peer.step();
            }
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    peer.step();
                }
                theirs[r] = (double) batch * steps / ((System.nanoTime() - t0) / 1e9);
                LOG.info("{} run {}: {} {} ex/s", what, r + 1, peer.name(), fmt(theirs[r]));
            }
            return new Line(what, Stats.of(ours), Stats.of(theirs), peer.name(), 3 * flopsPerExample(c, batches));
        }
    }

    /**
     * Fine-tunes for {@code steps} steps at {@code batch x length}, sampling the process's resident memory every
     * {@code every} steps (logged as it goes).
     */
    public static MemoryTrace memory(RecognizedEncoder encoder, int batch, int length, int steps, int every, Parallelism parallelism) {
        TextClassifier model = encoder.classifier(2, Pooling.MEAN, 1);
        EncodedDataset data = StudentBenchmark.randomData(batch * 8, length, model.embeddings().vocabSize(), 5);
        List<Batch> batches = fixedBatches(data, batch, length);
        long[] samples = new long[steps / every + 1];
        samples[0] = residentKb();
        LOG.info("memory: before the first step: resident {} MB", samples[0] / 1024);
        long start = System.nanoTime();
        try (StepTimer timer = StepTimer.of(model, data, parallelism)) {
            for (int s = 1; s <= steps; s++) {
                timer.step(batches.get(s % batches.size()));
                if (s % every == 0) {
                    samples[s / every] = residentKb();
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    Runtime rt = Runtime.getRuntime();
                    LOG.info("memory: step {}/{}: resident {} MB (JVM heap {} of {} MB), {} examples/s", s, steps,
                            samples[s / every] / 1024,
                            (rt.totalMemory() - rt.freeMemory()) >> 20, rt.totalMemory() >> 20, fmt((double) s * batch / elapsed));
                }
            }
        }
        return new MemoryTrace(steps, batch, length, samples, every);
    }

    /** The process's resident set (VmRSS) in KB; 0 where /proc is not available. */
    public static long residentKb() {
        return org.kd4j.util.NativeGarbage.residentKb();
    }

    /** Examples/s of one pass over the batches. */
    static double pass(List<Batch> batches, Consumer<Batch> run) {
        long examples = 0;
        long t0 = System.nanoTime();
        for (Batch b : batches) {
            run.accept(b);
            examples += b.size();
        }
        return examples / ((System.nanoTime() - t0) / 1e9);
    }

    /** Batches of exactly {@code length} tokens in data order. */
    public static List<Batch> fixedBatches(EncodedDataset data, int batch, int length) {
        List<Batch> out = new ArrayList<>();
        for (int from = 0; from + batch <= data.size(); from += batch) {
            int[] idx = new int[batch];
            for (int i = 0; i < batch; i++) {
                idx[i] = from + i;
            }
            out.add(Batch.of(data, idx, length, 0));
        }
        return out;
    }

    /** Real data in length-sorted batches padded to their longest example (dynamic padding), as evaluation runs them. */
    public static List<Batch> dynamicBatches(EncodedDataset data, int batch, int padId) {
        List<Batch> out = new ArrayList<>();
        for (int[] idx : new BatchPlanner(batch, true, 1, 0).evaluationOrder(data.lengths())) {
            out.add(Batch.of(data, idx, 0, padId));
        }
        return out;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** An ONNX Runtime session on the original file, fed kd4j batches. */
    private static final class OrtRunner implements AutoCloseable {
        private final OrtEnvironment env;
        private final OrtSession session;
        private final Map<String, String> inputs;
        private final int threads;

        OrtRunner(Path onnx, int threads, Map<String, String> inputs) throws OrtException {
            org.kd4j.util.OnnxRuntimeLaunch.check(onnx.toString());
            env = OrtEnvironment.getEnvironment();
            this.threads = threads;
            this.inputs = inputs;
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                session = env.createSession(onnx.toString(), options);
            }
        }

        String name() {
            return "ONNX Runtime " + env.getVersion() + " (all optimisations, " + threads + " threads)";
        }

        void run(Batch b) throws OrtException {
            long[] shape = {b.size(), b.length()};
            Map<String, OnnxTensor> feed = new HashMap<>();
            try {
                feed.put(inputs.getOrDefault("input_ids", "input_ids"), tensor(b.inputIds(), shape));
                feed.put(inputs.getOrDefault("attention_mask", "attention_mask"), tensor(b.attentionMask(), shape));
                if (inputs.containsKey("token_type_ids")) {
                    feed.put(inputs.get("token_type_ids"), tensor(b.tokenTypeIds(), shape));
                }
                session.run(feed).close();
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
        }

        private OnnxTensor tensor(int[] values, long[] shape) throws OrtException {
            long[] longs = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                longs[i] = values[i];
            }
            return OnnxTensor.createTensor(env, LongBuffer.wrap(longs), shape);
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }
}
