package org.kd4j.imports.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kd4j.imports.fixtures.Architecture;
import org.kd4j.imports.fixtures.ExporterPatternWriter;
import org.kd4j.imports.fixtures.FixtureSpec;
import org.kd4j.imports.fixtures.Head;
import org.kd4j.imports.parity.OrtReferenceRuntime;
import org.kd4j.imports.parity.ParityCheck;
import org.kd4j.imports.testing.Fixtures;
import org.kd4j.model.Activation;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;

/**
 * BERT-family exports on kd4j's native transformer: every exporter-pattern fixture of the BERT layout (BERT, MiniLM;
 * classifier and encoder; opsets 11, 14, 17; SDPA attention; DistilBERT and ELECTRA encoders and classifiers, ELECTRA
 * with and without its embedding projection) is recognised and its native graph matches ONNX Runtime on the original
 * file; RoBERTa's computed positions, which the native transformer does not hold, are refused with the reason, so
 * import falls back to the generic SameDiff graph.
 */
class NativeEncoderFixturesTest {

    private static final Logger LOG = LogManager.getLogger(NativeEncoderFixturesTest.class);

    static Stream<FixtureSpec> fixtures() {
        return FixtureSpec.matrix().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void bertLayoutsRunNativelyOthersAreRefused(FixtureSpec spec, @TempDir Path dir) throws Exception {
        Path file = dir.resolve(spec.name() + ".onnx");
        Files.write(file, ExporterPatternWriter.bytes(spec));
        // a DistilBERT encoder is BERT's post-layer-norm layout without token types, its classifier head a ReLU
        // pre-classifier on h[:, 0] (pooling CLS_RELU); ELECTRA's embeddings are projected to the hidden size and its
        // head is dense + GELU (CLS_GELU)
        boolean bertLayout = spec.architecture() != Architecture.ROBERTA;
        if (!bertLayout) {
            NotRecognizedException e = assertThrows(NotRecognizedException.class, () -> NativeEncoders.read(file));
            LOG.info("{}: not recognised: {}", spec.name(), e.getMessage());
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            return;
        }
        RecognizedEncoder encoder = NativeEncoders.read(file);
        assertEquals(spec.layers(), encoder.config().layers());
        assertEquals(spec.hidden(), encoder.config().hidden());
        assertEquals(spec.heads(), encoder.config().heads());
        boolean classifier = spec.head() == Head.SEQUENCE_CLASSIFICATION;
        int labels = classifier ? encoder.labels() : 2;
        assertEquals(classifier, encoder.labels() > 0);
        Pooling expected = switch (spec.architecture()) {
            case DISTILBERT -> classifier ? Pooling.CLS_RELU : Pooling.FIRST;
            case ELECTRA -> classifier ? Pooling.CLS_GELU : Pooling.FIRST;
            default -> spec.architecture().hasPooler() ? Pooling.CLS : Pooling.FIRST;
        };
        assertEquals(expected, encoder.config().pooling(), spec.name());
        assertEquals(spec.embeddingSize(), encoder.config().embeddingWidth(), spec.name());
        assertEquals(spec.embeddingSize() != spec.hidden(), encoder.config().projectsEmbeddings(), spec.name());
        TextClassifier model = encoder.classifier(labels, null, 1);
        ParityCheck.Report report = NativeEncoders.parity(model, encoder, file, new OrtReferenceRuntime(),
                new int[] {1, 3}, new int[] {5, 11}, spec.seed());
        LOG.info("{}: {}", spec.name(), report.summary());
        assertTrue(report.passes(), spec.name() + "\n" + report.table());
        // every output of the file was compared
        assertEquals(encoder.sourceOutputs().size() * 4, report.cases().size(), report.table());
    }

    static Stream<FixtureSpec> electraWithoutProjection() {
        return FixtureSpec.MATRIX_OPSETS.stream().flatMap(opset -> Stream.of(Head.values())
                .map(head -> FixtureSpec.standard(Architecture.ELECTRA, head, opset)))
                .map(s -> s.withEmbeddingSize(s.hidden()));
    }

    /**
     * ELECTRA whose embedding size equals its hidden size (base, large: no {@code embeddings_project}) is BERT's
     * layout; its classification head (dense, exact GELU, out_proj on the first token) is pooling CLS_GELU.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("electraWithoutProjection")
    void electraWithoutAProjectionRunsNatively(FixtureSpec spec, @TempDir Path dir) throws Exception {
        Path file = dir.resolve(spec.name() + "-e" + spec.embeddingSize() + ".onnx");
        Files.write(file, ExporterPatternWriter.bytes(spec));
        RecognizedEncoder encoder = NativeEncoders.read(file);
        boolean classifier = spec.head() == Head.SEQUENCE_CLASSIFICATION;
        assertEquals(classifier ? Pooling.CLS_GELU : Pooling.FIRST, encoder.config().pooling(), spec.name());
        assertEquals(classifier, encoder.pooler());
        TextClassifier model = encoder.classifier(classifier ? encoder.labels() : 2, null, 1);
        ParityCheck.Report report = NativeEncoders.parity(model, encoder, file, new OrtReferenceRuntime(),
                new int[] {1, 3}, new int[] {5, 11}, spec.seed());
        LOG.info("{} (embedding size {}): {}", spec.name(), spec.embeddingSize(), report.summary());
        assertTrue(report.passes(), spec.name() + "\n" + report.table());
    }

    static Stream<String> torchExports() {
        return Stream.of("bert-encoder-opset11", "bert-encoder-opset14", "bert-encoder-opset17", "bert-classifier-opset13",
                "bert-classifier-opset17", "bert-gelutanh-classifier-opset11", "bert-gelutanh-classifier-opset14",
                "minilm-encoder-opset13", "minilm-encoder-opset17", "distilbert-encoder-opset14",
                "distilbert-classifier-opset11", "distilbert-classifier-opset17", "electra-classifier-opset13",
                "electra-classifier-opset17", "electra-small-classifier-opset14");
    }

    /** Exports of the real {@code torch.onnx} exporter (torch 1.13): recognised and equal to ONNX Runtime. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("torchExports")
    void realExporterOutputRunsNatively(String name) throws Exception {
        Path file = Fixtures.resource("fixtures/torch-export/" + name + ".onnx");
        RecognizedEncoder encoder = NativeEncoders.read(file);
        assertEquals(2, encoder.config().layers());
        assertEquals(32, encoder.config().hidden());
        assertEquals(4, encoder.config().heads());
        assertEquals(64, encoder.config().ffn());
        assertEquals(name.contains("gelutanh") ? Activation.GELU_TANH : Activation.GELU, encoder.config().activation());
        if (name.contains("gelutanh")) {
            assertEquals(1e-5, encoder.config().layerNormEps(), 1e-9, "an epsilon above float resolution is kept");
        }
        // BERT's tanh pooler; DistilBERT's classifier has a ReLU pre-classifier instead, ELECTRA's a dense + GELU head,
        // the DistilBERT and MiniLM encoders no pooler at all
        Pooling pooling = name.startsWith("bert") ? Pooling.CLS
                : name.startsWith("distilbert-classifier") ? Pooling.CLS_RELU
                : name.startsWith("electra") ? Pooling.CLS_GELU : Pooling.FIRST;
        assertEquals(pooling, encoder.config().pooling());
        assertEquals(pooling != Pooling.FIRST, encoder.pooler());
        // ELECTRA-small's embeddings are 16 wide, projected to the hidden 32 (embeddings_project)
        assertEquals(name.startsWith("electra-small") ? 16 : 32, encoder.config().embeddingWidth());
        TextClassifier model = encoder.classifier(name.contains("classifier") ? encoder.labels() : 2, null, 1);
        ParityCheck.Report report = NativeEncoders.parity(model, encoder, file, new OrtReferenceRuntime(),
                new int[] {1, 2, 3}, new int[] {5, 11}, 7);
        LOG.info("{}: {}", name, report.summary());
        assertTrue(report.passes(), name + "\n" + report.table());
    }

    @Test
    void aFreshHeadReplacesTheExportsWhenPoolingOrWidthDiffer() throws Exception {
        RecognizedEncoder encoder = NativeEncoders.read(Fixtures.resource("fixtures/torch-export/bert-classifier-opset13.onnx"));
        assertEquals(2, encoder.labels());
        TextClassifier mean = encoder.classifier(3, Pooling.MEAN, 5);
        assertEquals(3, mean.outputs());
        assertEquals(Pooling.MEAN, mean.config().flat().pooling());
        assertTrue(mean.parameters().keySet().stream().noneMatch(k -> k.startsWith("pooler")));
        TextClassifier kept = encoder.classifier(2, null, 5);
        assertEquals(encoder.weights().get("classifier_w"), kept.parameters().get("classifier_w"));
    }
}
