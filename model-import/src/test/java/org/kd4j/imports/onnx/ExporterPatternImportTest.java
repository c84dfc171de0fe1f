package org.kd4j.imports.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.fixtures.ExporterPatternWriter;
import org.kd4j.imports.fixtures.FixtureSpec;
import org.kd4j.imports.parity.OrtReferenceRuntime;
import org.kd4j.imports.parity.ParityCheck;

/**
 * The parity suite: every exporter-pattern fixture (BERT, DistilBERT, RoBERTa, ELECTRA, MiniLM; classifier and
 * encoder; opsets 11, 14, 17; SDPA attention) imports and matches ONNX Runtime within {@link ParityCheck#TOLERANCE} at
 * batch sizes and sequence lengths other than the import probe's.
 */
class ExporterPatternImportTest {

    private static final Logger LOG = LogManager.getLogger(ExporterPatternImportTest.class);

    static Stream<FixtureSpec> fixtures() {
        return FixtureSpec.matrix().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void importsAndMatchesOnnxRuntime(FixtureSpec spec, @TempDir Path dir) throws Exception {
        Path file = dir.resolve(spec.name() + ".onnx");
        Files.write(file, ExporterPatternWriter.bytes(spec));
        ImportedModel model = new OnnxImporter().importFile(file, OnnxImporter.Options.defaults());
        Head expected = spec.head() == org.kd4j.imports.fixtures.Head.SEQUENCE_CLASSIFICATION ? Head.CLASSIFIER : Head.ENCODER;
        assertEquals(expected, model.contract().head());
        assertEquals(expected == Head.CLASSIFIER ? List.of(GraphContract.LOGITS) : spec.outputNames(), model.contract().outputs());
        ParityCheck.Report report = ParityCheck.run(model, file, new OrtReferenceRuntime(),
                model.info().sourceInputs(), model.info().sourceOutputs(),
                new int[] {1, 2, 3}, new int[] {5, 11}, spec.seed());
        LOG.info("parity {}: worst max abs diff {}", spec.name(), String.format("%.2e", report.worst()));
        assertTrue(report.passes(), spec.name() + "\n" + report.table());
    }
}
