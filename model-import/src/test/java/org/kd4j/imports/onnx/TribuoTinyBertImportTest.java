package org.kd4j.imports.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.parity.OrtReferenceRuntime;
import org.kd4j.imports.parity.ParityCheck;
import org.kd4j.imports.testing.Fixtures;

/** The real PyTorch 1.8 export (opset 11) from Tribuo's tests: import, contract, parity with ONNX Runtime, save/load. */
class TribuoTinyBertImportTest {

    private static final Path FILE = Fixtures.resource("fixtures/tribuo-tinybert/tinybert.onnx");
    private static ImportedModel model;

    @BeforeAll
    static void importOnce() throws Exception {
        model = new OnnxImporter().importFile(FILE, OnnxImporter.Options.defaults());
    }

    @Test
    void contractIsAnEncoderWithPooler() {
        GraphContract c = model.contract();
        assertEquals(Head.ENCODER, c.head());
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), c.inputs());
        assertEquals(List.of("last_hidden_state", "pooler_output"), c.outputs());
        assertEquals(50, c.hidden());
        assertEquals(1656L, model.info().vocabSize());
    }

    @Test
    void matchesOnnxRuntimeOnOtherShapesThanTheProbe() throws Exception {
        ParityCheck.Report report = parity(model);
        assertEquals(18, report.cases().size());
        assertTrue(report.passes(), report.table());
    }

    @Test
    void savedAndLoadedModelStillMatches(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tinybert.sdz");
        model.save(file);
        ImportedModel loaded = ImportedModel.load(file);
        assertEquals(model.contract(), loaded.contract());
        ParityCheck.Report report = parity(loaded);
        assertTrue(report.passes(), report.table());
    }

    private static ParityCheck.Report parity(ImportedModel m) throws Exception {
        return ParityCheck.run(m, FILE, new OrtReferenceRuntime(), m.info().sourceInputs(),
                m.info().sourceOutputs(), new int[] {1, 2, 3}, new int[] {4, 7, 13}, 11);
    }
}
