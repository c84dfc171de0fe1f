package org.kd4j.imports.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.fixtures.Architecture;
import org.kd4j.imports.fixtures.AttentionImpl;
import org.kd4j.imports.fixtures.ExporterPatternWriter;
import org.kd4j.imports.fixtures.FixtureSpec;
import org.kd4j.imports.fixtures.Head;
import org.kd4j.imports.fixtures.MaskStyle;
import org.kd4j.imports.onnx.OnnxImporter;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Benchmark (a command, not a unit test): import time and load time of a BERT-base-shaped classifier (12 layers,
 * hidden 768, 12 heads, FFN 3072, vocab 30,522, 512 positions; random weights) written in the PyTorch exporter's
 * opset-14 pattern. Loads are timed {@code loads} times in one JVM; the median and the range are printed.
 *
 * <pre>
 * MAVEN_OPTS=-Xmx12g mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.kd4j.imports.bench.ImportLoadBenchmark -Dexec.args="target/bench-import 5"
 * </pre>
 */
public final class ImportLoadBenchmark {

    private ImportLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-import");
        int loads = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int layers = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        Files.createDirectories(dir);
        FixtureSpec spec = new FixtureSpec(Architecture.BERT, Head.SEQUENCE_CLASSIFICATION, 14, layers, 768, 12, 3072, 30522,
                512, 2, 2, 768, 42L, MaskStyle.FINFO_MIN, AttentionImpl.EAGER);
        Path onnx = dir.resolve("bert-base-random.onnx");
        long t0 = System.nanoTime();
        Files.write(onnx, ExporterPatternWriter.bytes(spec));
        double writeS = seconds(t0);
        t0 = System.nanoTime();
        ImportedModel model = new OnnxImporter().importFile(onnx, OnnxImporter.Options.defaults());
        double importS = seconds(t0);
        Path saved = dir.resolve("bert-base-random.sdz");
        t0 = System.nanoTime();
        model.save(saved);
        double saveS = seconds(t0);
        model = null;
        System.gc();
        double[] loadS = new double[loads];
        for (int i = 0; i < loads; i++) {
            t0 = System.nanoTime();
            ImportedModel loaded = ImportedModel.load(saved);
            loadS[i] = seconds(t0);
            if (i == loads - 1) {
                var ids = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.INT64, 1, 128).addi(7);
                var mask = Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.INT64, 1, 128);
                var logits = loaded.output(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids",
                        Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.INT64, 1, 128))).get("logits");
                System.out.println("forward check, logits " + Arrays.toString(logits.shape()));
            }
            loaded = null;
            System.gc();
        }
        double[] sorted = loadS.clone();
        Arrays.sort(sorted);
        System.out.printf("| BERT-base-shaped classifier, %d layers | value |%n|---|---:|%n", layers);
        System.out.printf("| ONNX file | %.0f MB |%n", Files.size(onnx) / 1e6);
        System.out.printf("| imported-model file | %.0f MB |%n", Files.size(saved) / 1e6);
        System.out.printf("| write ONNX (random weights) | %.1f s |%n", writeS);
        System.out.printf("| import (read, rewrite, SameDiff import, probe) | %.1f s |%n", importS);
        System.out.printf("| save | %.1f s |%n", saveS);
        System.out.printf("| load, median of %d | %.2f s (min %.2f, max %.2f) |%n", loads, sorted[loads / 2], sorted[0],
                sorted[loads - 1]);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
