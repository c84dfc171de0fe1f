package org.kd4j.imports.student;

import org.kd4j.testing.FiniteDifferences;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.data.batch.Batch;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.fixtures.Architecture;
import org.kd4j.imports.fixtures.DynamicQuantizer;
import org.kd4j.imports.fixtures.ExporterPatternWriter;
import org.kd4j.imports.fixtures.FixtureSpec;
import org.kd4j.imports.fixtures.Head;
import org.kd4j.imports.onnx.OnnxImporter;
import org.kd4j.imports.testing.Fixtures;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.EmbeddingLayer;
import org.kd4j.model.ModelType;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** A student cut from an ONNX encoder: same states as the whole import, padding ignored, gradients, determinism. */
class EncoderStudentTest {

    private static final Logger LOG = LogManager.getLogger(EncoderStudentTest.class);
    static final Path TINYBERT = Fixtures.resource("fixtures/tribuo-tinybert/tinybert.onnx");

    @TempDir Path dir;

    /** Two rows of length 6: the first 4 tokens then padding (id 0), the second full, with a second segment. */
    static Batch batch() {
        int[] ids = {101, 7, 250, 102, 0, 0, 101, 33, 1000, 102, 57, 102};
        int[] types = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
        int[] mask = {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1};
        return new Batch(new int[] {0, 1}, 6, ids, types, mask, new int[] {0, 1}, new double[] {Double.NaN, Double.NaN});
    }

    static Map<String, INDArray> feed(EncoderStudent s, Batch b) {
        s.graph().sd().getVariable(ClassifierGraph.EMBEDDINGS).setArray(s.embeddings().forward(b));
        return new HashMap<>(Map.of(ClassifierGraph.MASK, b.matrix(b.attentionMask()).castTo(DataType.FLOAT)));
    }

    @Test
    void studentStatesMatchTheWholeImportedEncoderAndPaddingIsIgnored() {
        EncoderStudent student = EncoderStudent.build(TINYBERT, 2, DataType.FLOAT, 3);
        assertEquals(ModelType.IMPORTED, student.config().type());
        assertEquals(50, student.config().hidden());
        assertEquals(List.of(EmbeddingLayer.TOKENS, EmbeddingLayer.POSITIONS, EmbeddingLayer.TYPES),
                List.copyOf(student.embeddings().parameters().keySet()));
        assertEquals(1656, student.embeddings().vocabSize());
        SameDiff sd = student.graph().sd();
        assertEquals(org.nd4j.autodiff.samediff.VariableType.VARIABLE, sd.getVariable(ClassifierGraph.EMBEDDINGS).getVariableType());
        assertEquals(org.nd4j.autodiff.samediff.VariableType.PLACEHOLDER, sd.getVariable(ClassifierGraph.MASK).getVariableType());
        assertEquals(DataType.FLOAT, sd.getVariable(ClassifierGraph.MASK).dataType());
        assertTrue(student.graph().trainableVariables().size() > 10, student.graph().trainableVariables().toString());

        Batch b = batch();
        Map<String, INDArray> out = sd.output(feed(student, b), GraphContract.LAST_HIDDEN_STATE, GraphContract.POOLER_OUTPUT,
                ClassifierGraph.LOGITS);

        // the whole encoder, imported as it is, from ids
        ImportedModel whole = new OnnxImporter().importFile(TINYBERT, OnnxImporter.Options.defaults());
        Map<String, INDArray> in = Map.of(GraphContract.INPUT_IDS, b.matrix(b.inputIds()).castTo(DataType.INT64),
                GraphContract.ATTENTION_MASK, b.matrix(b.attentionMask()).castTo(DataType.INT64),
                GraphContract.TOKEN_TYPE_IDS, b.matrix(b.tokenTypeIds()).castTo(DataType.INT64));
        Map<String, INDArray> ref = whole.output(in);
        double states = out.get(GraphContract.LAST_HIDDEN_STATE).sub(ref.get(GraphContract.LAST_HIDDEN_STATE)).amaxNumber().doubleValue();
        double pooled = out.get(GraphContract.POOLER_OUTPUT).sub(ref.get(GraphContract.POOLER_OUTPUT)).amaxNumber().doubleValue();
        LOG.info("student vs whole import: max |diff| last_hidden_state {}, pooler_output {}", states, pooled);
        assertEquals(0.0, states, 1e-5);
        assertEquals(0.0, pooled, 1e-5);

        // the logits are the head on the pooler output
        INDArray w = sd.getVariable(EncoderStudent.HEAD_W).getArr();
        INDArray expected = ref.get(GraphContract.POOLER_OUTPUT).mmul(w).addRowVector(sd.getVariable(EncoderStudent.HEAD_B).getArr());
        assertEquals(0.0, out.get(ClassifierGraph.LOGITS).sub(expected).amaxNumber().doubleValue(), 1e-5);

        // the first row alone, unpadded, gives the same logits
        int[] four = {101, 7, 250, 102};
        Batch alone = new Batch(new int[] {0}, 4, four, new int[4], new int[] {1, 1, 1, 1}, new int[] {0}, new double[] {Double.NaN});
        INDArray single = sd.output(feed(student, alone), ClassifierGraph.LOGITS).get(ClassifierGraph.LOGITS);
        assertEquals(0.0, single.getRow(0).sub(out.get(ClassifierGraph.LOGITS).getRow(0)).amaxNumber().doubleValue(), 1e-5);
    }

    @Test
    void logitsBeforeTrainingAreADeterministicFunctionOfTheWeightsAndSeed() throws Exception {
        Path onnx = dir.resolve("bert.onnx");
        Files.write(onnx, ExporterPatternWriter.bytes(FixtureSpec.standard(Architecture.BERT, Head.ENCODER, 11)));
        EncoderStudent a = EncoderStudent.build(onnx, 3, DataType.FLOAT, 5);
        EncoderStudent b = EncoderStudent.build(onnx, 3, DataType.FLOAT, 5);
        Batch batch = new Batch(new int[] {0, 1}, 3, new int[] {2, 5, 9, 2, 4, 0}, new int[6], new int[] {1, 1, 1, 1, 1, 0},
                new int[] {0, 1}, new double[2]);
        INDArray la = a.graph().sd().output(feed(a, batch), ClassifierGraph.LOGITS).get(ClassifierGraph.LOGITS);
        INDArray lb = b.graph().sd().output(feed(b, batch), ClassifierGraph.LOGITS).get(ClassifierGraph.LOGITS);
        assertArrayEquals(new long[] {2, 3}, la.shape());
        assertEquals(la, lb);
        assertTrue(la.amaxNumber().doubleValue() > 0, "logits all zero: " + la);
    }

    /** An int8 export (quantized linear layers and embedding tables) gives a float student: the dequantized encoder's. */
    @Test
    void int8EncoderGivesTheDequantizedFloatStudent() throws Exception {
        FixtureSpec spec = FixtureSpec.standard(Architecture.BERT, Head.ENCODER, 14);
        Path onnx = dir.resolve("bert-int8.onnx");
        Files.write(onnx, DynamicQuantizer.quantize(ExporterPatternWriter.model(spec), new DynamicQuantizer.Options(true, true))
                .toByteArray());
        Path floatOnnx = dir.resolve("bert.onnx");
        Files.write(floatOnnx, ExporterPatternWriter.bytes(spec));

        EncoderStudent student = EncoderStudent.build(onnx, 2, DataType.FLOAT, 3);
        EncoderStudent floatStudent = EncoderStudent.build(floatOnnx, 2, DataType.FLOAT, 3);

        assertEquals(floatStudent.graph().trainableVariables().size(), student.graph().trainableVariables().size());
        assertEquals(floatStudent.embeddings().vocabSize(), student.embeddings().vocabSize());
        Batch b = new Batch(new int[] {0, 1}, 3, new int[] {2, 5, 9, 2, 4, 0}, new int[6], new int[] {1, 1, 1, 1, 1, 0},
                new int[] {0, 1}, new double[2]);
        INDArray states = student.graph().sd().output(feed(student, b), GraphContract.LAST_HIDDEN_STATE).get(GraphContract.LAST_HIDDEN_STATE);
        ImportedModel whole = new OnnxImporter().importFile(onnx, OnnxImporter.Options.defaults().withDequantize(true));
        INDArray ref = whole.output(Map.of(GraphContract.INPUT_IDS, b.matrix(b.inputIds()).castTo(DataType.INT64),
                GraphContract.ATTENTION_MASK, b.matrix(b.attentionMask()).castTo(DataType.INT64),
                GraphContract.TOKEN_TYPE_IDS, b.matrix(b.tokenTypeIds()).castTo(DataType.INT64))).get(GraphContract.LAST_HIDDEN_STATE);
        assertEquals(0.0, states.sub(ref).amaxNumber().doubleValue(), 1e-5);
    }

    /** ELECTRA exports have no pooler: the head reads last_hidden_state[:, 0]; its embeddings (width 16) are projected. */
    @Test
    void encoderWithoutPoolerUsesTheClsStateIgnoresPaddingAndDifferentiates() throws Exception {
        Path onnx = dir.resolve("electra.onnx");
        Files.write(onnx, ExporterPatternWriter.bytes(FixtureSpec.standard(Architecture.ELECTRA, Head.ENCODER, 14)));
        EncoderStudent student = EncoderStudent.build(onnx, 2, DataType.FLOAT, 4);
        assertEquals(16, student.embeddings().dim());
        SameDiff sd = student.graph().sd();
        Batch batch = new Batch(new int[] {0, 1}, 4, new int[] {2, 5, 9, 0, 3, 4, 7, 8}, new int[8], new int[] {1, 1, 1, 0, 1, 1, 1, 1},
                new int[] {0, 1}, new double[2]);
        Map<String, INDArray> feed = feed(student, batch);
        Map<String, INDArray> out = sd.output(feed, GraphContract.LAST_HIDDEN_STATE, ClassifierGraph.LOGITS);
        INDArray cls = out.get(GraphContract.LAST_HIDDEN_STATE).get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all());
        INDArray expected = cls.mmul(sd.getVariable(EncoderStudent.HEAD_W).getArr()).addRowVector(sd.getVariable(EncoderStudent.HEAD_B).getArr());
        assertEquals(0.0, out.get(ClassifierGraph.LOGITS).sub(expected).amaxNumber().doubleValue(), 1e-6);

        Batch alone = new Batch(new int[] {0}, 3, new int[] {2, 5, 9}, new int[3], new int[] {1, 1, 1}, new int[] {0}, new double[1]);
        INDArray single = sd.output(feed(student, alone), ClassifierGraph.LOGITS).get(ClassifierGraph.LOGITS);
        assertEquals(0.0, single.getRow(0).sub(out.get(ClassifierGraph.LOGITS).getRow(0)).amaxNumber().doubleValue(), 1e-5);

        SDVariable loss = student.graph().logits().mul(student.graph().logits()).sum();
        sd.setLossVariables(loss);
        feed = feed(student, batch);
        List<String> names = new ArrayList<>(student.graph().trainableVariables());
        names.add(ClassifierGraph.EMBEDDINGS);
        Map<String, INDArray> grads = sd.calculateGradients(feed, names.toArray(new String[0]));
        assertEquals(names.size(), grads.size());
        assertArrayEquals(new long[] {2, 4, 16}, grads.get(ClassifierGraph.EMBEDDINGS).shape());
        assertTrue(grads.get(ClassifierGraph.EMBEDDINGS).amaxNumber().doubleValue() > 0);
    }

    /**
     * SameDiff's gradients of a scalar of the logits against central finite differences in double precision, on a
     * generated 2-layer BERT encoder without a pooler (head on last_hidden_state[:, 0]): the head, several imported
     * weights (LayerNorms, attention, FFN) and the embeddings input.
     */
    @Test
    void gradientsMatchFiniteDifferences() throws Exception {
        Path onnx = dir.resolve("bert.onnx");
        Files.write(onnx, ExporterPatternWriter.bytes(FixtureSpec.standard(Architecture.BERT, Head.ENCODER, 11)));
        EncoderStudent student = EncoderStudent.build(onnx, 2, DataType.DOUBLE, 9);
        SameDiff sd = student.graph().sd();
        Batch batch = new Batch(new int[] {0, 1}, 3, new int[] {2, 5, 0, 3, 4, 7}, new int[] {0, 0, 0, 0, 1, 1},
                new int[] {1, 1, 0, 1, 1, 1}, new int[] {0, 1}, new double[2]);
        Map<String, INDArray> feed = feed(student, batch);
        assertEquals(DataType.DOUBLE, sd.getVariable(ClassifierGraph.EMBEDDINGS).getArr().dataType());
        SDVariable weights = sd.constant("loss_weights", Nd4j.createFromArray(new double[][] {{0.3, -1.2}, {2.0, 0.7}}));
        // a larger head than its 0.02 init, so the encoder's gradients are not tiny
        sd.getVariable(EncoderStudent.HEAD_W).getArr().muli(50);
        SDVariable loss = sd.math().tanh(student.graph().logits()).mul(weights).sum();
        sd.setLossVariables(loss);

        List<String> names = new ArrayList<>(student.graph().trainableVariables());
        names.add(ClassifierGraph.EMBEDDINGS);
        Map<String, INDArray> grads = sd.calculateGradients(feed, names.toArray(new String[0]));
        // per variable: its first element and the one with the largest gradient (the check stays fast)
        FiniteDifferences.Result r = FiniteDifferences.check(sd, feed, loss.name(), grads, grad -> {
            long largest = Nd4j.argMax(Transforms.abs(grad)).getLong(0);
            return largest == 0 ? new long[] {0} : new long[] {0, largest};
        }, 1e-6, 1e-7, 1e-4, "imported student");
        int checked = r.checked();
        double maxRelative = r.maxRelativeError();
        LOG.info("gradient check: {} elements of {} variables, max relative error {}", checked, names.size(), maxRelative);
        assertTrue(names.size() > 20, names.toString());
        assertTrue(checked > names.size(), "checked " + checked);
    }
}
