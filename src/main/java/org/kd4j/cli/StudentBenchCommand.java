package org.kd4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.kd4j.bench.EncoderBenchmark;
import org.kd4j.bench.StudentBenchmark;
import org.kd4j.bench.peer.TrainingPeer;
import org.kd4j.config.OptimizerKind;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.model.BiLstmConfig;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TransformerConfig;
import org.kd4j.util.Nd4jProcess;
import org.kd4j.util.Parallelism;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench student}: training and inference throughput of the default (SEAD-shaped) student, or of a BiLSTM
 * ({@code --model bilstm}). A BiLSTM's training is also timed beside the PyTorch peer on a model of the same shape, when
 * the peer is on the class path (test scope).
 */
@Command(name = "student", mixinStandardHelpOptions = true,
        description = "Training (forward, backward, the optimizer's update) and inference examples/s of the student at batch x length "
                + "and on SST-2 dev with dynamic padding, with a float32 GEMM GFLOP/s figure from the same run.")
final class StudentBenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin ThreadsOption threadsOption;

    @Option(names = "--model", defaultValue = "transformer", paramLabel = "<type>",
            description = "transformer, or bilstm (--hidden its embedding width, --ffn its units per direction,"
                    + " --lstm-layers its stacked layers; --layers and --heads unused) (default: ${DEFAULT-VALUE}).")
    ModelType model;
    @Option(names = "--layers", defaultValue = "6") int layers;
    @Option(names = "--hidden", defaultValue = "256") int hidden;
    @Option(names = "--heads", defaultValue = "8") int heads;
    @Option(names = "--lstm-layers", defaultValue = "1", description = "The BiLSTM's stacked layers (default:"
            + " ${DEFAULT-VALUE}).") int lstmLayers;
    @Option(names = "--ffn", defaultValue = "1024") int ffn;
    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--length", defaultValue = "128", description = "Tokens per example (default: ${DEFAULT-VALUE}).")
    int length;
    @Option(names = "--steps", defaultValue = "6", description = "Timed batches at the fixed shape, after one warm-up "
            + "(default: ${DEFAULT-VALUE}).") int steps;
    @Option(names = "--data-dir", defaultValue = "datasets",
            description = "Holds glue/SST-2/dev.tsv for the dynamic-padding lines (default: ${DEFAULT-VALUE}).")
    Path dataDir;
    @Option(names = "--optimizer", defaultValue = "adamw", paramLabel = "<kind>",
            description = "The training steps' optimizer: adamw, adadelta or sgd (default: ${DEFAULT-VALUE}).")
    OptimizerKind optimizer;
    @Option(names = "--runs", defaultValue = "3", description = "Alternating runs each side in the lines beside the peers:"
            + " passes over the inference batches beside ONNX Runtime, and (BiLSTM) runs of --steps training steps beside"
            + " PyTorch (default: ${DEFAULT-VALUE}).") int runs;
    @Option(names = "--ort-threads", defaultValue = "0", description = "ONNX Runtime's intra-op threads; 0: one per core"
            + " (default: ${DEFAULT-VALUE}).") int ortThreads;
    @Option(names = "--no-step-pool", description = "Training steps without the step array pool (to compare; see"
            + " docs/performance.md).") boolean noStepPool;

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--runs: expected at least 1, found " + runs);
        }
        if (ortThreads < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--ort-threads: expected 0 (one per core) or"
                    + " more, found " + ortThreads);
        }
        ModelConfig config = switch (model) {
            case TRANSFORMER -> new TransformerConfig(layers, hidden, heads, ffn, Math.max(512, length), Pooling.MEAN);
            case BILSTM -> new BiLstmConfig(hidden, ffn, 0, lstmLayers);
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--model: expected transformer or"
                    + " bilstm, found " + model.name().toLowerCase(Locale.ROOT));
        };
        Parallelism parallelism = threadsOption.apply(Parallelism.defaults());
        int cores = Runtime.getRuntime().availableProcessors();
        double allCores = Nd4jProcess.withThreadsPerOp(cores, () -> StudentBenchmark.gemmGflops(2048, 5));
        BertTokenizer tokenizer = BertTokenizer.load("bert-base-uncased");
        GlueDataset dev = GlueDataset.load(dataDir, GlueTask.SST2, "dev", OnBadRow.FAIL);
        EncodedDataset real = EncodedDataset.encode(dev, tokenizer, length);
        StudentBenchmark.Result result = StudentBenchmark.run(config, tokenizer.vocabSize(), batch, length, steps + 1, real,
                parallelism, !noStepPool, optimizer, allCores);
        PrintWriter out = spec.commandLine().getOut();
        String shape = model == ModelType.BILSTM
                ? String.format(Locale.ROOT, "bilstm embeddings %d, %d units per direction%s", hidden, ffn,
                        ((BiLstmConfig) config).depthNote())
                : String.format(Locale.ROOT, "transformer %dL/%dH/%dA/FFN%d", layers, hidden, heads, ffn);
        out.printf("student %s, vocab %d, optimizer %s, %d worker(s), %d thread(s) available%n%n%s", shape,
                tokenizer.vocabSize(), optimizer.configName(), parallelism.workers(), Runtime.getRuntime().availableProcessors(),
                result.toMarkdown());
        out.println();
        out.print(besideOrt(config, tokenizer.vocabSize(), real, tokenizer.padId(), parallelism));
        out.flush();
        if (model == ModelType.BILSTM) {
            out.println();
            out.print(besidePeer((BiLstmConfig) config, tokenizer.vocabSize(), parallelism));
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /** Inference beside ONNX Runtime running the same student's export, at the fixed shape and on the dev rows. */
    private String besideOrt(ModelConfig config, int vocab, EncodedDataset real, int padId, Parallelism parallelism) {
        int threads = ortThreads > 0 ? ortThreads : Runtime.getRuntime().availableProcessors();
        Map<String, List<Batch>> sets = new LinkedHashMap<>();
        sets.put(String.format(Locale.ROOT, "inference, batch %d x %d tokens", batch, length),
                EncoderBenchmark.fixedBatches(StudentBenchmark.randomData(batch * (steps + 1), length, vocab, 11), batch, length));
        sets.put(String.format(Locale.ROOT, "inference, %s dev (%d sentences, dynamic padding, batch %d)", real.task(),
                real.size(), batch), EncoderBenchmark.dynamicBatches(real, batch, padId));
        StudentBenchmark.OrtComparison c = StudentBenchmark.inferenceBesideOrt(config, vocab, sets, runs, threads, parallelism);
        return String.format(Locale.ROOT, "beside ONNX Runtime (the same student exported in memory; kd4j: %d"
                        + " worker(s); medians of %d alternating passes; logits: %s):%n%n%s", parallelism.workers(), runs,
                c.agreement().describe(), EncoderBenchmark.table(c.lines()));
    }

    /** The BiLSTM's training beside the peer, or one line saying why there is none. */
    private String besidePeer(BiLstmConfig config, int vocab, Parallelism parallelism) throws Exception {
        if (optimizer != OptimizerKind.ADAMW) {
            return "beside the peer: not run, the peer trains with AdamW and --optimizer is " + optimizer.configName() + "\n";
        }
        Optional<TrainingPeer> found = TrainingPeer.find();
        if (found.isEmpty()) {
            return "beside the peer: not run, no training peer on the class path (PyTorch through DJL is test-scoped: add"
                    + " -Dexec.classpathScope=test)\n";
        }
        try (TrainingPeer peer = found.get()) {
            List<EncoderBenchmark.Line> lines = StudentBenchmark.trainingBesidePeer(config, vocab, batch, length,
                    steps, runs, parallelism, peer);
            return String.format(Locale.ROOT, "beside the peer (the same BiLSTM, AdamW; kd4j: %d worker(s), trains"
                    + " the batch's rows of its word table; medians of %d alternating runs of %d steps):%n%n%s",
                    parallelism.workers(), runs, steps, EncoderBenchmark.table(lines));
        }
    }
}
