package org.kd4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kd4j.api.DistilledClassifier;
import org.kd4j.bench.ServeBenchmark;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.export.ExportMetadata;
import org.kd4j.export.OnnxOpset;
import org.kd4j.export.OrtStudent;
import org.kd4j.export.StudentOnnxWriter;
import org.kd4j.util.Nd4jProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench serve}: a run's student served by {@link DistilledClassifier} next to the same student exported as ONNX
 * and run by ONNX Runtime in the same process.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serving latency (p50, p99) of single sentences and small batches, and throughput under concurrent"
                + " callers: DistilledClassifier beside ONNX Runtime running the exported student, text in, probabilities"
                + " out; medians over runs with min..max, and the ratio kd4j / ONNX Runtime.")
final class ServeBenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, description = "Run directory (written by 'distill').")
    Path model;

    @Option(names = "--data-dir", defaultValue = "datasets",
            description = "Holds the task's dev split, whose sentences are the requests (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--requests", defaultValue = "400", paramLabel = "<n>",
            description = "Sentences per measurement (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "<n>",
            description = "Repetitions; figures are medians over them (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--batch-sizes", defaultValue = "1,8", split = ",", paramLabel = "<n,...>",
            description = "Request sizes whose latency is measured (default: ${DEFAULT-VALUE}).")
    int[] batchSizes;

    @Option(names = "--callers", defaultValue = "1,2,8", split = ",", paramLabel = "<n,...>",
            description = "Concurrent callers for throughput (default: ${DEFAULT-VALUE}).")
    int[] callers;

    @Option(names = "--throughput-seconds", defaultValue = "1", paramLabel = "<s>",
            description = "Least time of each throughput measurement: the callers go over the requests again until it has"
                    + " passed (default: ${DEFAULT-VALUE}; 0: once).")
    double throughputSeconds;

    @Option(names = "--workers", defaultValue = "0", paramLabel = "<n>",
            description = "DistilledClassifier workers (default 0: one per core).")
    int workers;

    @Option(names = "--engine", defaultValue = "kd4j", paramLabel = "<engine>",
            description = "What runs DistilledClassifier's model: kd4j or onnx_runtime (default: ${DEFAULT-VALUE}). With"
                    + " onnx_runtime both sides run ONNX Runtime, and the ratio is the classifier's own cost (tokenizing,"
                    + " batching, hand-off) over the bare session's.")
    DistilledClassifier.Engine engine;

    @Option(names = "--coalescing", description = "On kd4j's engine, run calls that wait for a worker at the same time"
            + " together as one batch (DistilledClassifier.Options.withCoalescing).")
    boolean coalescing;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "<n>",
            description = "Threads inside each op, for ND4J and for each ONNX Runtime session run (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
        UsageError.require(spec, requests >= 1, "--requests", "1 or more", requests);
        UsageError.require(spec, runs >= 1, "--runs", "1 or more", runs);
        UsageError.require(spec, threads >= 1, "--threads", "1 or more", threads);
        UsageError.require(spec, workers >= 0 && workers <= 256, "--workers", "0 (one per core) to 256", workers);
        UsageError.require(spec, java.util.Arrays.stream(batchSizes).allMatch(b -> b >= 1 && b <= 4096), "--batch-sizes",
                "sizes of 1 to 4096", java.util.Arrays.toString(batchSizes));
        UsageError.require(spec, java.util.Arrays.stream(callers).allMatch(c -> c >= 1 && c <= 1024), "--callers",
                "counts of 1 to 1024", java.util.Arrays.toString(callers));
        UsageError.require(spec, throughputSeconds >= 0 && throughputSeconds <= 600, "--throughput-seconds", "0 to 600",
                throughputSeconds);
        UsageError.require(spec, !coalescing || engine == DistilledClassifier.Engine.KD4J, "--coalescing",
                "--engine kd4j (calls are run together on kd4j's engine only)", "--engine " + engine);
        Nd4jProcess.threadsPerOp(threads);
        DistilledClassifier.Options options = DistilledClassifier.Options.defaults().withEngine(engine).withCoalescing(coalescing);
        if (workers > 0) {
            options = options.withWorkers(workers);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (DistilledClassifier classifier = DistilledClassifier.load(model, options)) {
            GlueDataset dev = GlueDataset.load(dataDir, classifier.task(), "dev", OnBadRow.FAIL);
            byte[] onnx = StudentOnnxWriter.write(classifier.model(),
                    new ExportMetadata(classifier.task(), classifier.labels(), classifier.maxLength()), OnnxOpset.V17).toByteArray();
            try (OrtStudent session = new OrtStudent(onnx, model + " (exported in memory)", threads)) {
                ServeBenchmark.Result result = ServeBenchmark.run(ServeBenchmark.header(engine), ServeBenchmark.kd4j(classifier),
                        ServeBenchmark.onnxRuntime(session, classifier, threads), dev.examples(), requests, batchSizes, callers, runs,
                        throughputSeconds);
                out.printf(Locale.ROOT, "student %s (%s, %,d parameters), %s dev sentences (%s) as requests, %d per measurement"
                                + " (throughput: at least %s s), %d run(s), %d core(s), %d thread(s) per op%n%n%s", model, classifier.model().config().type()
                                .name().toLowerCase(Locale.ROOT), classifier.model().parameters().values().stream()
                                .mapToLong(a -> a.length()).sum(), classifier.task(), dev.file(), requests,
                        java.math.BigDecimal.valueOf(throughputSeconds).stripTrailingZeros().toPlainString(), runs,
                        result.cores(), threads, result.toMarkdown());
                out.printf(Locale.ROOT, "%n%s: %s; ONNX Runtime: %s. Latency ratio < 1 and throughput ratio > 1: %s is faster.%n",
                        result.classifierHeader(), result.kd4jName(), result.ortName(), result.classifierHeader());
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
