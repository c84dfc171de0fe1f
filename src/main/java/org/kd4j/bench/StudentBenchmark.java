package org.kd4j.bench;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.Encoding;
import org.kd4j.config.OptimizerKind;
import org.kd4j.distill.train.StepTimer;
import org.kd4j.eval.MarkdownTable;
import org.kd4j.bench.peer.BiLstmShape;
import org.kd4j.bench.peer.TrainingPeer;
import org.kd4j.export.ExportCheck;
import org.kd4j.export.ExportMetadata;
import org.kd4j.export.OnnxOpset;
import org.kd4j.export.OrtStudent;
import org.kd4j.export.StudentOnnxWriter;
import org.kd4j.model.BiLstmConfig;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.TransformerConfig;
import org.kd4j.util.Parallelism;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Throughput of a student in one run: training (forward, backward, AdamW update) and inference examples/s at a
 * fixed batch x length and on real data with dynamic padding, next to a float32 matrix-multiply GFLOP/s figure
 * measured in the same run; each model figure is also given as achieved GFLOP/s (from a FLOP count of the
 * model's matrix products, {@link #forwardFlops}) and as a fraction of the GEMM rate.
 */
public final class StudentBenchmark {

    private static final Logger LOG = LogManager.getLogger(StudentBenchmark.class);

    /** One measured line. */
    public record Line(String what, double examplesPerSecond, double gflops, double fractionOfGemm, String spread) {}

    /** All lines and the GEMM reference. */
    public record Result(ModelConfig model, double gemmGflops, double allCoresGemmGflops, int cores, List<Line> lines) {

        public String toMarkdown() {
            MarkdownTable t = new MarkdownTable("measure", "examples/s", "model GFLOP/s", "fraction of GEMM", "min..max");
            t.row("float32 GEMM 1024x1024 (reference)", "-", String.format(Locale.ROOT, "%.1f", gemmGflops), "1.00", "-");
            t.row("float32 GEMM 2048x2048, " + cores + " threads (ceiling of all cores)", "-",
                    String.format(Locale.ROOT, "%.1f", allCoresGemmGflops),
                    String.format(Locale.ROOT, "%.2f", allCoresGemmGflops / gemmGflops), "-");
            for (Line l : lines) {
                t.row(l.what(), String.format(Locale.ROOT, "%.1f", l.examplesPerSecond()),
                        l.gflops() > 0 ? String.format(Locale.ROOT, "%.1f", l.gflops()) : "-",
                        l.gflops() > 0 ? String.format(Locale.ROOT, "%.3f", l.fractionOfGemm()) : "-", l.spread());
            }
            return t.toString();
        }
    }

    private StudentBenchmark() {}

    /** Median GFLOP/s of {@code repeats} float32 products of two n x n matrices. */
    public static double gemmGflops(int n, int repeats) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        for (int i = 0; i < 3; i++) {
            a.mmuli(b, c);
        }
        double[] rates = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            a.mmuli(b, c);
            rates[i] = 2.0 * n * n * n / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
        Arrays.sort(rates);
        return rates[repeats / 2];
    }

    /**
     * @param realData encoded real data (e.g. SST-2 dev) for the dynamic-padding lines, or null to skip them
     * @param parallelism the training and inference workers and micro-batches (threads per op: as the process runs)
     * @param poolStepArrays training steps' arrays in the step pool (off only to compare)
     * @param optimizer the training steps' optimizer
     * @param allCoresGemm the GEMM GFLOP/s on all cores, measured by the caller (it sets the process's threads per op)
     */
    public static Result run(ModelConfig config, int vocab, int batchSize, int length, int steps, EncodedDataset realData,
                             Parallelism parallelism, boolean poolStepArrays, OptimizerKind optimizer, double allCoresGemm) {
        double gemm = gemmGflops(1024, 7);
        int cores = Runtime.getRuntime().availableProcessors();
        double allCores = allCoresGemm;
        LOG.info("GEMM {} GFLOP/s", String.format(Locale.ROOT, "%.1f", gemm));
        List<Line> lines = new ArrayList<>();
        EncodedDataset fixed = randomData(batchSize * steps, length, vocab, 11);
        Setup setup = new Setup(config, vocab, batchSize, gemm, parallelism, poolStepArrays, optimizer);
        lines.add(training(setup, "training, batch " + batchSize + " x " + length + " tokens", fixed, length));
        lines.add(inference(setup, "inference, batch " + batchSize + " x " + length + " tokens", fixed, length));
        if (realData != null) {
            String name = realData.task() + " (" + realData.size() + " examples, dynamic padding, bucketing)";
            lines.add(training(setup, "training, " + name, realData, 0));
            lines.add(inference(setup, "inference, " + name, realData, 0));
        }
        return new Result(config, gemm, allCores, cores, lines);
    }

    /**
     * The BiLSTM student's training steps (forward, backward, AdamW) at {@code batch x length} random tokens beside a
     * peer's steps on a model of the same shape ({@link BiLstmShape}), one line per {@link BiLstmShape.WordTable}
     * setting of the peer: {@code runs} runs of {@code steps} steps each side, alternating kd4j and the peer run by run
     * after 3 warm-up steps each, so that drift on a noisy machine falls on both. Examples/s as median and min..max
     * over the runs.
     *
     * @param peer the peer, set up here once per line and closed by the caller
     */
    public static List<EncoderBenchmark.Line> trainingBesidePeer(BiLstmConfig config, int vocab, int batch, int length,
                                                                 int steps, int runs, Parallelism parallelism,
                                                                 TrainingPeer peer) throws Exception {
        if (runs < 1 || steps < 1) {
            throw new IllegalArgumentException("runs and steps: expected at least 1, found " + runs + " and " + steps);
        }
        EncodedDataset data = randomData(batch * steps, length, vocab, 11);
        List<Batch> fixed = EncoderBenchmark.fixedBatches(data, batch, length);
        List<EncoderBenchmark.Line> lines = new ArrayList<>();
        for (BiLstmShape.WordTable table : BiLstmShape.WordTable.values()) {
            String what = String.format(Locale.ROOT, "training, batch %d x %d tokens; the peer's word table %s", batch,
                    length, table == BiLstmShape.WordTable.TRAINED ? "trained (dense)" : "frozen");
            TextClassifier model = TextClassifier.create(config, vocab, 2, 1);
            peer.setUp(new BiLstmShape(vocab, config.hidden(), config.units(), config.layers(), config.headUnits(), 2, table),
                    batch, length, 11);
            double[] ours = new double[runs];
            double[] theirs = new double[runs];
            try (StepTimer timer = StepTimer.of(model, data, parallelism, true, OptimizerKind.ADAMW)) {
                for (int w = 0; w < 3; w++) {
                    timer.step(fixed.get(w % fixed.size()));
                    peer.step();
                }
                for (int r = 0; r < runs; r++) {
                    long t0 = System.nanoTime();
                    for (Batch b : fixed) {
                        timer.step(b);
                    }
                    ours[r] = (double) batch * fixed.size() / ((System.nanoTime() - t0) / 1e9);
                    t0 = System.nanoTime();
                    for (int s = 0; s < fixed.size(); s++) {
                        peer.step();
                    }
                    theirs[r] = (double) batch * fixed.size() / ((System.nanoTime() - t0) / 1e9);
                    LOG.info("{} run {}: kd4j {} ex/s, {} {} ex/s", what, r + 1, String.format(Locale.ROOT, "%.1f", ours[r]),
                            peer.name(), String.format(Locale.ROOT, "%.1f", theirs[r]));
                }
            }
            // a training step is about three forward passes' worth of products (forward, two for backward)
            lines.add(new EncoderBenchmark.Line(what, EncoderBenchmark.Stats.of(ours), EncoderBenchmark.Stats.of(theirs),
                    peer.name(), 3 * EncoderBenchmark.flopsPerExample(config, fixed)));
        }
        return lines;
    }

    /**
     * Inference lines beside ONNX Runtime: the student as kd4j runs it and as ONNX Runtime runs its export
     * ({@link StudentOnnxWriter}, written in memory; all graph optimisations, {@code ortThreads} intra-op threads), pass
     * after pass over the same batches, alternating, {@code runs} passes each after 3 warm-up batches per line, on which
     * the two runtimes' logits are compared ({@link ExportCheck}). Examples/s as median and min..max over the passes.
     *
     * @param sets what each line runs over, by its description (fixed-shape batches, dev rows with dynamic padding)
     */
    public static OrtComparison inferenceBesideOrt(ModelConfig config, int vocab, Map<String, List<Batch>> sets, int runs,
                                                   int ortThreads, Parallelism parallelism) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs: expected at least 1, found " + runs);
        }
        TextClassifier model = TextClassifier.create(config, vocab, 2, 1);
        int longest = sets.values().stream().flatMap(List::stream).mapToInt(Batch::length).max().orElse(2);
        byte[] onnx = StudentOnnxWriter.write(model, new ExportMetadata(GlueTask.SST2, GlueTask.SST2.labels(),
                Math.max(2, longest)), OnnxOpset.V17).toByteArray();
        List<EncoderBenchmark.Line> lines = new ArrayList<>();
        try (OrtStudent ort = new OrtStudent(onnx, "the student (exported in memory)", ortThreads)) {
            String name = ort.runtime() + " (all optimisations, " + ortThreads + " threads)";
            // the warm-up: both run the first 3 batches of each line, and their logits are compared there
            List<Batch> warmUp = new ArrayList<>();
            sets.values().forEach(batches -> warmUp.addAll(batches.subList(0, Math.min(3, batches.size()))));
            ExportCheck agreement = ExportCheck.compare(warmUp, b -> model.logits(b, parallelism), ort::logits);
            for (Map.Entry<String, List<Batch>> set : sets.entrySet()) {
                List<Batch> batches = set.getValue();
                double[] ours = new double[runs];
                double[] theirs = new double[runs];
                for (int r = 0; r < runs; r++) {
                    ours[r] = EncoderBenchmark.pass(batches, b -> model.logits(b, parallelism));
                    theirs[r] = EncoderBenchmark.pass(batches, ort::logits);
                    LOG.info("{} run {}: kd4j {} ex/s, {} {} ex/s", set.getKey(), r + 1, String.format(Locale.ROOT, "%.1f",
                            ours[r]), name, String.format(Locale.ROOT, "%.1f", theirs[r]));
                }
                lines.add(new EncoderBenchmark.Line(set.getKey(), EncoderBenchmark.Stats.of(ours),
                        EncoderBenchmark.Stats.of(theirs), name, EncoderBenchmark.flopsPerExample(config, batches)));
            }
            return new OrtComparison(lines, agreement);
        }
    }

    /**
     * Inference beside ONNX Runtime.
     *
     * @param agreement kd4j's logits against ONNX Runtime's on the warm-up batches: the two run the same function
     */
    public record OrtComparison(List<EncoderBenchmark.Line> lines, ExportCheck agreement) {}

    /** What every line of a run shares. */
    private record Setup(ModelConfig config, int vocab, int batchSize, double gemm, Parallelism parallelism,
                         boolean poolStepArrays, OptimizerKind optimizer) {}

    private static Line training(Setup s, String what, EncodedDataset data, int padTo) {
        TextClassifier model = TextClassifier.create(s.config(), s.vocab(), 2, 1);
        try (StepTimer timer = StepTimer.of(model, data, s.parallelism(), s.poolStepArrays(), s.optimizer())) {
            // a training step is about three forward passes' worth of products (forward, two for backward)
            return timed(what, s.config(), batches(data, padTo, s.batchSize(), true), timer::step, 3, s.gemm());
        }
    }

    private static Line inference(Setup s, String what, EncodedDataset data, int padTo) {
        TextClassifier model = TextClassifier.create(s.config(), s.vocab(), 2, 1);
        return timed(what, s.config(), batches(data, padTo, s.batchSize(), false), b -> model.logits(b, s.parallelism()), 1,
                s.gemm());
    }

    /** Runs the first batch untimed (graph and gradient set-up), then times each of the others. */
    private static Line timed(String what, ModelConfig config, List<Batch> batches, java.util.function.Consumer<Batch> run,
                              int forwardPasses, double gemm) {
        run.accept(batches.get(0));
        List<Batch> timedBatches = batches.subList(1, batches.size());
        double[] rates = new double[timedBatches.size()];
        long tokens = 0;
        long examples = 0;
        long start = System.nanoTime();
        for (int i = 0; i < timedBatches.size(); i++) {
            Batch batch = timedBatches.get(i);
            long t0 = System.nanoTime();
            run.accept(batch);
            rates[i] = batch.size() / ((System.nanoTime() - t0) / 1e9);
            tokens += (long) batch.size() * batch.length();
            examples += batch.size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double gflops = forwardPasses * forwardFlops(config, tokens, timedBatches) / seconds / 1e9;
        return line(what, examples / seconds, gflops, gemm, rates);
    }

    private static Line line(String what, double perSecond, double gflops, double gemm, double[] rates) {
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        String spread = sorted.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f..%.1f", sorted[0], sorted[sorted.length - 1]);
        LOG.info("{}: {} examples/s", what, String.format(Locale.ROOT, "%.1f", perSecond));
        return new Line(what, perSecond, gflops, gflops / gemm, spread);
    }

    /**
     * Multiply-add FLOPs of a student's forward pass over {@code batches} ({@code tokens} of them, padding included).
     * A transformer: per token and layer 2(4h^2 + 2h f) for the projections and feed-forward, plus 4 h L for attention
     * scores and context over the padded length L. A BiLSTM: per token, layer and direction 2 x 4u (in + u) for the
     * input and recurrent products, where in is the layer's input width (the embeddings, then 2u). 0 for other models.
     */
    public static double forwardFlops(ModelConfig c, long tokens, List<Batch> batches) {
        if (c instanceof BiLstmConfig b) {
            double perToken = 0;
            for (int layer = 0; layer < b.layers(); layer++) {
                double in = layer == 0 ? b.hidden() : 2.0 * b.units();
                perToken += 2 * 2 * 4.0 * b.units() * (in + b.units());
            }
            return perToken * tokens;
        }
        if (!(c instanceof TransformerConfig t)) {
            return 0;
        }
        double h = t.hidden();
        double perTokenLayer = 2 * (4 * h * h + 2 * h * t.ffn());
        double attention = 0;
        for (Batch b : batches) {
            attention += 4.0 * h * b.length() * b.size() * b.length();
        }
        return t.layers() * (perTokenLayer * tokens + attention);
    }

    private static List<Batch> batches(EncodedDataset data, int padTo, int batchSize, boolean shuffle) {
        BatchPlanner planner = new BatchPlanner(batchSize, padTo == 0, 50, 3);
        List<int[]> order = shuffle ? planner.trainingOrder(data.lengths(), 0) : planner.evaluationOrder(data.lengths());
        List<Batch> out = new ArrayList<>();
        for (int[] indices : order) {
            out.add(Batch.of(data, indices, padTo, 0));
        }
        return out;
    }

    /** {@code n} examples of exactly {@code length} random token ids, labels 0/1. */
    public static EncodedDataset randomData(int n, int length, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Encoding> encodings = new ArrayList<>();
        int[] labels = new int[n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            int[] ids = new int[length];
            for (int t = 0; t < length; t++) {
                ids[t] = 1000 + random.nextInt(vocab - 1000);
            }
            encodings.add(new Encoding(ids, new int[length]));
            labels[i] = random.nextInt(2);
            scores[i] = Double.NaN;
        }
        return new EncodedDataset(GlueTask.SST2, encodings, labels, scores, length);
    }
}
