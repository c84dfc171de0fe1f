package org.kd4j.imports.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import onnx.Onnx;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.fixtures.Architecture;
import org.kd4j.imports.fixtures.DynamicQuantizer;
import org.kd4j.imports.fixtures.ExporterPatternWriter;
import org.kd4j.imports.fixtures.FixtureSpec;
import org.kd4j.imports.fixtures.Head;
import org.kd4j.imports.fixtures.UnsignedTwin;
import org.kd4j.imports.onnx.rewrite.OrtU8S8Probe;
import org.kd4j.imports.parity.OrtReferenceRuntime;
import org.kd4j.imports.parity.ParityCheck;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Tiny exporter-pattern encoders quantized as ONNX Runtime's {@code quantize_dynamic} writes them
 * ({@link DynamicQuantizer}): imported with the quantized arithmetic kept, they match ONNX Runtime on the quantized
 * file within {@link #QUANTIZED_BAR} of the output's largest magnitude; imported with dequantized weights, they are a
 * float graph (no quantization op left) within {@link #DEQUANTIZED_BAR} of ONNX Runtime on the float original.
 */
class QuantizedImportTest {

    private static final Logger LOG = LogManager.getLogger(QuantizedImportTest.class);

    /**
     * Quantized import against ONNX Runtime on the quantized file, relative to max |reference|. The float parts
     * differ in the last bits (accumulation order); where an activation divided by its scale lies that close to a
     * rounding boundary, one 8-bit value differs by one step, and later layers amplify that.
     */
    static final double QUANTIZED_BAR = 1e-2;

    /**
     * Dequantized import against ONNX Runtime on the float original, relative to max |reference|: the weights' int8
     * rounding error (up to half a step of max|W|/127 per weight) stays; the activations' is gone.
     */
    static final double DEQUANTIZED_BAR = 5e-2;

    /**
     * ONNX Runtime on the unsigned twin against ONNX Runtime on the INT8 file, relative to max |reference|: the same
     * int32 sums; only the float scaling after them may round differently between its two kernels.
     */
    static final double TWIN_BAR = 1e-5;

    private static final int UINT8 = Onnx.TensorProto.DataType.UINT8.getNumber();

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of(FixtureSpec.standard(Architecture.BERT, Head.ENCODER, 14), new DynamicQuantizer.Options(false, false)),
                Arguments.of(FixtureSpec.standard(Architecture.BERT, Head.SEQUENCE_CLASSIFICATION, 11),
                        new DynamicQuantizer.Options(true, true)),
                Arguments.of(FixtureSpec.standard(Architecture.MINILM, Head.ENCODER, 17), new DynamicQuantizer.Options(true, false)),
                // as the real Xenova MiniLM int8 export: opset 11, per-channel, UINT8 tables, weights in [-64, 64]
                Arguments.of(FixtureSpec.standard(Architecture.MINILM, Head.ENCODER, 11),
                        new DynamicQuantizer.Options(true, true, true)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fixtures")
    void quantizedImportMatchesOnnxRuntime(FixtureSpec spec, DynamicQuantizer.Options options, @TempDir Path dir) throws Exception {
        Path file = dir.resolve(spec.name() + "-int8.onnx");
        Onnx.ModelProto quantized = DynamicQuantizer.quantize(ExporterPatternWriter.model(spec), options);
        assertEquals(options.weightMax(), largestInt8Weight(quantized), "largest |INT8 weight| of " + options);
        Files.write(file, quantized.toByteArray());

        ImportedModel model = new OnnxImporter().importFile(file, OnnxImporter.Options.defaults());

        Map<String, Integer> before = model.info().onnxOps();
        Map<String, Integer> after = model.info().onnxOpsAfterRewrites();
        assertTrue(before.getOrDefault("MatMulInteger", 0) >= 6 * spec.layers(), before.toString());
        assertEquals(options.embeddings(), before.containsKey("DequantizeLinear"), before.toString());
        assertQuantizationGone(after);
        Path saved = dir.resolve("int8.sdz");
        model.save(saved);
        Map<String, INDArray> inputs = ParityCheck.randomInputs(model.contract(), 2, 7, spec.vocab(), new Random(spec.seed()));
        Map<String, INDArray> expected = model.output(inputs);
        Map<String, INDArray> loaded = ImportedModel.load(saved).output(inputs);
        for (String out : expected.keySet()) {
            assertEquals(expected.get(out), loaded.get(out), "after save/load: " + out);
        }

        // without VNNI, ONNX Runtime's uint8 x int8 kernel saturates pairs of products at 16 bits (OrtU8S8Probe), which
        // full-range weights reach and reduced-range ones cannot; there its reference is the model's unsigned twin (the
        // same integer sums through its uint8 x uint8 kernel)
        Path reference = file;
        if (!options.reduceRange() && !OrtU8S8Probe.exact(dir)) {
            assumeTrue(OrtU8S8Probe.unsignedExact(dir),
                    "ONNX Runtime's uint8 x int8 and uint8 x uint8 MatMulInteger both saturate on this CPU: no reference"
                            + " for full-range INT8 weights here");
            reference = dir.resolve(spec.name() + "-uint8-twin.onnx");
            Files.write(reference, UnsignedTwin.of(quantized).toByteArray());
        }
        ParityCheck.Report report = ParityCheck.run(model, reference, new OrtReferenceRuntime(),
                model.info().sourceInputs(), model.info().sourceOutputs(),
                new int[] {1, 2, 3}, new int[] {5, 11}, spec.seed());
        LOG.info("int8 {} {}: worst max abs diff {} ({} of max |reference|) against ONNX Runtime on {}", spec.name(), options,
                String.format("%.2e", report.worst()), String.format("%.2e", report.worstRelative()), reference.getFileName());
        assertTrue(report.worstRelative() <= QUANTIZED_BAR, spec.name() + "\n" + report.table());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fixtures")
    void dequantizedImportIsAFloatGraphCloseToTheOriginal(FixtureSpec spec, DynamicQuantizer.Options options, @TempDir Path dir)
            throws Exception {
        Path original = dir.resolve(spec.name() + ".onnx");
        Path file = dir.resolve(spec.name() + "-int8.onnx");
        Files.write(original, ExporterPatternWriter.bytes(spec));
        Files.write(file, DynamicQuantizer.quantize(ExporterPatternWriter.model(spec), options).toByteArray());

        ImportedModel model = new OnnxImporter().importFile(file, OnnxImporter.Options.defaults().withDequantize(true));

        assertEquals(true, model.info().dequantizedWeights());
        Map<String, Integer> after = model.info().onnxOpsAfterRewrites();
        assertQuantizationGone(after);
        assertFalse(after.containsKey("Round") || after.containsKey("Clip") || after.containsKey("ReduceMax"),
                "activation quantization left in the dequantized graph: " + after);
        Map<String, String> inputs = model.info().sourceInputs();
        Map<String, String> outputs = model.info().sourceOutputs();
        int[] batches = {1, 2, 3};
        int[] lengths = {5, 11};
        ParityCheck.Report vsFloat = ParityCheck.run(model, original, new OrtReferenceRuntime(), inputs, outputs, batches, lengths, spec.seed());
        ParityCheck.Report vsQuantized = ParityCheck.run(model, file, new OrtReferenceRuntime(), inputs, outputs, batches, lengths, spec.seed());
        LOG.info("int8 {} {} dequantized: vs the float original {} ({} of max |reference|); vs ONNX Runtime on the int8 file {}"
                        + " ({})", spec.name(), options, String.format("%.2e", vsFloat.worst()), String.format("%.2e", vsFloat.worstRelative()),
                String.format("%.2e", vsQuantized.worst()), String.format("%.2e", vsQuantized.worstRelative()));
        assertTrue(vsFloat.worstRelative() <= DEQUANTIZED_BAR, spec.name() + "\n" + vsFloat.table());
    }

    /**
     * The unsigned twin computes what the INT8 file does: where ONNX Runtime's uint8 x int8 kernel is exact (on every
     * CPU for reduced-range weights, with VNNI for full-range ones), ONNX Runtime gives both files' outputs within
     * {@link #TWIN_BAR} of each other.
     * Every MatMulInteger weight and its zero point are then UINT8, and {@code W' - z'} equals {@code W - z}.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fixtures")
    void unsignedTwinComputesTheSameIntegers(FixtureSpec spec, DynamicQuantizer.Options options, @TempDir Path dir)
            throws Exception {
        Onnx.ModelProto quantized = DynamicQuantizer.quantize(ExporterPatternWriter.model(spec), options);
        Onnx.ModelProto twin = UnsignedTwin.of(quantized);
        Map<String, Onnx.TensorProto> before = initializers(quantized);
        Map<String, Onnx.TensorProto> after = initializers(twin);
        int matmuls = 0;
        for (Onnx.NodeProto n : twin.getGraph().getNodeList()) {
            if (n.getOpType().equals("MatMulInteger")) {
                matmuls++;
                byte[] w = before.get(n.getInput(1)).getRawData().toByteArray();
                byte[] z = before.get(n.getInput(3)).getRawData().toByteArray();
                byte[] w2 = after.get(n.getInput(1)).getRawData().toByteArray();
                byte[] z2 = after.get(n.getInput(3)).getRawData().toByteArray();
                assertEquals(UINT8, after.get(n.getInput(1)).getDataType(), n.getInput(1));
                assertEquals(UINT8, after.get(n.getInput(3)).getDataType(), n.getInput(3));
                for (int i = 0; i < w.length; i++) {
                    int column = z.length == 1 ? 0 : i % z.length;
                    assertEquals(w[i] - z[column], (w2[i] & 0xff) - (z2[column] & 0xff), n.getInput(1) + "[" + i + "]");
                }
            }
        }
        assertEquals(6 * spec.layers(), matmuls);

        assumeTrue(options.reduceRange() || OrtU8S8Probe.exact(dir), "ONNX Runtime's uint8 x int8 MatMulInteger"
                + " saturates on this CPU (no VNNI): the INT8 file of full-range weights is no reference to compare with");
        assumeTrue(OrtU8S8Probe.unsignedExact(dir), "ONNX Runtime's uint8 x uint8 MatMulInteger saturates on this CPU");
        Path file = dir.resolve("int8.onnx");
        Path twinFile = dir.resolve("uint8-twin.onnx");
        Files.write(file, quantized.toByteArray());
        Files.write(twinFile, twin.toByteArray());
        ImportedModel model = new OnnxImporter().importFile(file, OnnxImporter.Options.defaults());
        Map<String, String> names = model.info().sourceInputs();
        Map<String, INDArray> inputs = new HashMap<>();
        ParityCheck.randomInputs(model.contract(), 3, 11, spec.vocab(), new Random(spec.seed()))
                .forEach((k, v) -> inputs.put(names.getOrDefault(k, k), v));
        List<String> outputs = model.contract().outputs().stream()
                .map(o -> model.info().sourceOutputs().getOrDefault(o, o)).toList();
        OrtReferenceRuntime ort = new OrtReferenceRuntime();
        Map<String, INDArray> signed = ort.run(file, inputs, outputs);
        Map<String, INDArray> unsigned = ort.run(twinFile, inputs, outputs);
        for (String out : outputs) {
            ParityCheck.Case c = ParityCheck.compare(3, 11, out, unsigned.get(out), signed.get(out));
            LOG.info("int8 {} {}: unsigned twin vs the INT8 file in ONNX Runtime, {}: max abs diff {}", spec.name(),
                    options, out, String.format("%.2e", c.maxAbsDiff()));
            assertTrue(c.relative() <= TWIN_BAR, out + ": " + c);
        }
    }

    private static Map<String, Onnx.TensorProto> initializers(Onnx.ModelProto model) {
        Map<String, Onnx.TensorProto> byName = new HashMap<>();
        model.getGraph().getInitializerList().forEach(t -> byName.put(t.getName(), t));
        return byName;
    }

    /** The largest magnitude among the model's INT8 initializers (the quantized weights). */
    private static int largestInt8Weight(Onnx.ModelProto model) {
        int max = 0;
        for (Onnx.TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataType() == Onnx.TensorProto.DataType.INT8.getNumber()) {
                for (byte b : t.getRawData().toByteArray()) {
                    max = Math.max(max, Math.abs(b));
                }
            }
        }
        return max;
    }

    private static void assertQuantizationGone(Map<String, Integer> ops) {
        for (String op : new String[] {"DynamicQuantizeLinear", "MatMulInteger", "DequantizeLinear", "QuantizeLinear"}) {
            assertFalse(ops.containsKey(op), op + " left after the rewrites: " + ops);
        }
    }
}
