package org.kd4j.imports.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.imports.fixtures.Architecture;
import org.kd4j.imports.fixtures.ExporterPatternWriter;
import org.kd4j.imports.fixtures.FixtureSpec;
import org.kd4j.imports.fixtures.Head;
import org.kd4j.imports.parity.OrtReferenceRuntime;
import org.kd4j.imports.parity.ParityCheck;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;

/**
 * An encoder cut to its first layers ({@code student.init_layers}) computes what the same encoder exported with only
 * those layers computes, checked against ONNX Runtime on that export. The fixture writer draws weights in graph order
 * from one seeded generator, so a 1-layer and a 3-layer export of one seed share their embeddings and first layer.
 */
class FirstLayersTest {

    private static FixtureSpec withLayers(FixtureSpec s, int layers) {
        return new FixtureSpec(s.architecture(), s.head(), s.opset(), layers, s.hidden(), s.heads(), s.ffn(), s.vocab(),
                s.maxPositions(), s.typeVocab(), s.labels(), s.embeddingSize(), s.seed(), s.maskStyle(), s.attention());
    }

    @Test
    void theFirstLayerOfAThreeLayerEncoderIsTheOneLayerEncoder(@TempDir Path dir) throws Exception {
        FixtureSpec three = FixtureSpec.standard(Architecture.MINILM, Head.ENCODER, 14);
        assertEquals(3, three.layers());
        Path threeFile = dir.resolve("three.onnx");
        Path oneFile = dir.resolve("one.onnx");
        Files.write(threeFile, ExporterPatternWriter.bytes(three));
        Files.write(oneFile, ExporterPatternWriter.bytes(withLayers(three, 1)));

        RecognizedEncoder full = NativeEncoders.read(threeFile);
        RecognizedEncoder cut = full.firstLayers(1);
        assertEquals(1, cut.config().layers());
        assertEquals(full.config().hidden(), cut.config().hidden());
        assertTrue(cut.weights().keySet().stream().noneMatch(k -> k.startsWith("l1_") || k.startsWith("l2_")), cut.weights().keySet().toString());
        assertTrue(cut.weights().keySet().stream().anyMatch(k -> k.startsWith("l0_")));
        assertTrue(cut.parameters() < full.parameters());
        assertTrue(cut.sourceOutputs().isEmpty(), "a cut encoder no longer computes the file's outputs");
        assertSame(full, full.firstLayers(3));
        assertThrows(IllegalArgumentException.class, () -> full.firstLayers(0));
        assertThrows(IllegalArgumentException.class, () -> full.firstLayers(4));

        RecognizedEncoder one = NativeEncoders.read(oneFile);
        // mean pooling: the model has no pooler (drawn after the layers, so not shared) and only the hidden states are compared
        TextClassifier model = cut.classifier(2, Pooling.MEAN, 1);
        ParityCheck.Report report = NativeEncoders.parity(model, one, oneFile, new OrtReferenceRuntime(), new int[] {1, 3},
                new int[] {5, 11}, 7);
        assertTrue(report.passes(), report.table());
        assertEquals(4, report.cases().size(), report.table());
        // and it is not the whole encoder: the 3-layer file's hidden states differ
        ParityCheck.Report whole = NativeEncoders.parity(model, full, threeFile, new OrtReferenceRuntime(), new int[] {2},
                new int[] {7}, 7);
        assertFalse(whole.passes(), whole.table());
    }
}
