package org.kd4j.imports.tf;

import org.kd4j.imports.ImportException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kd4j.imports.tf.fixtures.TfBertGraphWriter;
import org.kd4j.imports.tf.fixtures.TinyBert;
import org.kd4j.imports.tf.fixtures.TinyBertInputs;
import org.kd4j.imports.tf.fixtures.TinyBertReference;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tensorflow.framework.GraphDef;
import org.tensorflow.framework.NodeDef;

/** A frozen TF1 BERT classifier (google-research/bert export pattern) imported and checked against plain ND4J. */
class TfGraphImporterTest {

    private static final Logger LOG = LogManager.getLogger(TfGraphImporterTest.class);
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;

    private static final TinyBert MODEL = TinyBert.standard(42);
    private static final TinyBertReference REFERENCE = new TinyBertReference(MODEL);
    private static final TfGraphImporter IMPORTER = new TfGraphImporter();
    private static SameDiff fromIterator;

    @BeforeAll
    static void importIteratorExport() throws IOException {
        Path pb = TfBertGraphWriter.write(MODEL, TfBertGraphWriter.Inputs.ITERATOR_V2, dir.resolve("bert-iterator.pb"));
        fromIterator = IMPORTER.importGraph(pb);
    }

    private static double maxDiff(SameDiff sd, TinyBertInputs in) {
        INDArray logits = sd.output(in.feed(), TfInputContract.LOGITS).get(TfInputContract.LOGITS);
        INDArray expected = REFERENCE.logits(in.ids(), in.mask(), in.types());
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(logits.shape()));
        return logits.castTo(DataType.DOUBLE).sub(expected).amaxNumber().doubleValue();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void logitsMatchThePlainNd4jForwardPass(int batch) {
        double diff = maxDiff(fromIterator, TinyBertInputs.random(batch, MODEL.seqLen(), MODEL.vocab(), 100 + batch));
        LOG.info("batch {}: max |logits - reference| = {}", batch, diff);
        assertTrue(diff <= TOLERANCE, "max |diff| " + diff);
    }

    @Test
    void iteratorOutputsBecameTheContractPlaceholders() {
        assertEquals(Set.of("input_ids", "attention_mask", "token_type_ids"), Set.copyOf(fromIterator.inputs()));
        for (String name : fromIterator.inputs()) {
            SDVariable v = fromIterator.getVariable(name);
            assertEquals(VariableType.PLACEHOLDER, v.getVariableType(), name);
            assertEquals(DataType.INT32, v.dataType(), name);
        }
        assertFalse(fromIterator.hasVariable("IteratorGetNext"));
        assertFalse(fromIterator.hasVariable("label_ids"));
        assertFalse(fromIterator.hasVariable("loss/Mean"), "the training loss was pruned");
        assertTrue(fromIterator.hasVariable(TfInputContract.LOGITS));
    }

    @Test
    void savedAndLoadedGraphStillMatches() throws IOException {
        File file = dir.resolve("bert.sdz").toFile();
        fromIterator.save(file, true);
        SameDiff loaded = SameDiff.load(file, true);
        double diff = maxDiff(loaded, TinyBertInputs.random(3, MODEL.seqLen(), MODEL.vocab(), 7));
        LOG.info("saved and loaded, batch 3: max |logits - reference| = {}", diff);
        assertTrue(diff <= TOLERANCE, "max |diff| " + diff);
    }

    @Test
    void placeholderExportImportsToTheSameContract() throws IOException {
        Path pb = TfBertGraphWriter.write(MODEL, TfBertGraphWriter.Inputs.PLACEHOLDERS, dir.resolve("bert-ph.pb"));
        SameDiff sd = IMPORTER.importGraph(pb);
        assertEquals(Set.of("input_ids", "attention_mask", "token_type_ids"), Set.copyOf(sd.inputs()));
        double diff = maxDiff(sd, TinyBertInputs.random(2, MODEL.seqLen(), MODEL.vocab(), 11));
        LOG.info("placeholder export, batch 2: max |logits - reference| = {}", diff);
        assertTrue(diff <= TOLERANCE, "max |diff| " + diff);
    }

    @Test
    void badFilesAreErrorsNamingTheFile() throws IOException {
        byte[] real = TfBertGraphWriter.graph(MODEL, TfBertGraphWriter.Inputs.PLACEHOLDERS).toByteArray();
        Path missing = dir.resolve("missing.pb");
        Path empty = Files.write(dir.resolve("empty.pb"), new byte[0]);
        Path truncated = Files.write(dir.resolve("truncated.pb"), Arrays.copyOf(real, real.length / 2));
        Path text = Files.writeString(dir.resolve("notes.pb"), "this is not a graph\n", StandardCharsets.UTF_8);
        for (Path bad : new Path[] {missing, empty, truncated, text}) {
            ImportException e = assertThrows(ImportException.class, () -> IMPORTER.importGraph(bad), bad.toString());
            assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        }
    }

    @Test
    void everyUnsupportedOpIsReportedByNodeName() throws IOException {
        GraphDef.Builder g = TfBertGraphWriter.graph(MODEL, TfBertGraphWriter.Inputs.PLACEHOLDERS).toBuilder();
        g.addNode(NodeDef.newBuilder().setName("custom/first").setOp("FrobnicateV7").addInput("bert/pooler/dense/Tanh"));
        g.addNode(NodeDef.newBuilder().setName("custom/second").setOp("MysteryOpV2").addInput("custom/first"));
        for (NodeDef.Builder n : g.getNodeBuilderList()) {
            if (n.getName().equals("loss/MatMul")) {
                n.setInput(0, "custom/second");
            }
        }
        Path pb = Files.write(dir.resolve("custom.pb"), g.build().toByteArray());
        ImportException e = assertThrows(ImportException.class, () -> IMPORTER.importGraph(pb));
        assertTrue(e.getMessage().contains("custom/first (FrobnicateV7)"), e.getMessage());
        assertTrue(e.getMessage().contains("custom/second (MysteryOpV2)"), e.getMessage());
        assertTrue(e.getMessage().contains(pb.toString()), e.getMessage());
    }

    @Test
    void aMissingLogitsNodeIsNamed() throws IOException {
        Path pb = TfBertGraphWriter.write(MODEL, TfBertGraphWriter.Inputs.PLACEHOLDERS, dir.resolve("other.pb"));
        TfGraphImporter importer = new TfGraphImporter(TfInputContract.bertRunClassifier().withLogitsNode("output/logits"));
        ImportException e = assertThrows(ImportException.class, () -> importer.importGraph(pb));
        assertTrue(e.getMessage().contains("output/logits") && e.getMessage().contains("loss/BiasAdd"), e.getMessage());
    }
}
