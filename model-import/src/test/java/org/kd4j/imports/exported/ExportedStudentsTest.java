package org.kd4j.imports.exported;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kd4j.KdException;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.export.ExportMetadata;
import org.kd4j.export.OnnxOpset;
import org.kd4j.export.StudentOnnxWriter;
import org.kd4j.model.Activation;
import org.kd4j.model.ExportedModelReader;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.TransformerConfig;
import org.kd4j.testing.Students;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The round trip: a student exported as ONNX reads back into kd4j (through the {@link ExportedModelReader} found on the
 * classpath) as the same shape with the same parameters, and computes the same logits.
 */
class ExportedStudentsTest {

    private static final int VOCAB = 60;
    private static final ExportMetadata SST2 = new ExportMetadata(GlueTask.SST2, GlueTask.SST2.labels(), 32);

    @TempDir Path dir;

    private TextClassifier roundTrip(TextClassifier model, ExportMetadata meta, OnnxOpset opset) throws IOException {
        Path file = dir.resolve(model.config().type() + "-" + model.config().flat().pooling() + "-" + opset + ".onnx");
        Files.write(file, StudentOnnxWriter.write(model, meta, opset).toByteArray());
        ExportedModelReader.Read read = ExportedModelReader.find().orElseThrow().read(file);
        assertEquals(meta, ExportMetadata.of(read.metadata(), file.toString()));
        TextClassifier back = read.model();
        ModelConfig.Flat a = model.config().flat();
        ModelConfig.Flat b = back.config().flat();
        assertEquals(a.type(), b.type());
        assertEquals(a.hidden(), b.hidden());
        assertEquals(a.ffn(), b.ffn());
        assertEquals(model.outputs(), back.outputs());
        if (a.type() == ModelType.TRANSFORMER) {
            assertEquals(java.util.List.of(a.layers(), a.heads(), a.maxPositions()), java.util.List.of(b.layers(), b.heads(), b.maxPositions()));
            assertEquals(a.pooling(), b.pooling());
            assertEquals(a.activation(), b.activation());
            // kd4j's fused layer norm (epsilon 0) is written with 1e-12 and read back as fused
            assertEquals(a.layerNormEps() < ModelConfig.FUSED_LAYER_NORM_EPS, b.layerNormEps() < ModelConfig.FUSED_LAYER_NORM_EPS);
        }
        Map<String, INDArray> expected = model.parameters();
        Map<String, INDArray> found = back.parameters();
        assertEquals(expected.keySet(), found.keySet());
        expected.forEach((name, value) -> assertEquals(0.0, value.sub(found.get(name).reshape(value.shape())).amaxNumber().doubleValue(),
                1e-7, name));
        for (int i = 0; i < 3; i++) {
            Batch batch = Students.randomBatch(1 + 2 * i, 4 + 5 * i, VOCAB, 40 + i);
            float[][] x = model.logits(batch);
            float[][] y = back.logits(batch);
            for (int r = 0; r < x.length; r++) {
                for (int c = 0; c < x[r].length; c++) {
                    assertEquals(x[r][c], y[r][c], 1e-5 * Math.max(1, Math.abs(x[r][c])), "row " + r);
                }
            }
        }
        return back;
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void transformerEachPoolingAtBothOpsets(Pooling pooling) throws IOException {
        TextClassifier model = Students.randomised(ModelConfig.of(ModelType.TRANSFORMER, 2, 16, 4, 24, 32, pooling), VOCAB, 2, 3);
        for (OnnxOpset opset : OnnxOpset.values()) {
            assertEquals(pooling, roundTrip(model, SST2, opset).config().flat().pooling());
        }
    }

    /** A transformer whose embeddings are narrower than its hidden size (ELECTRA-small's projection) reads back as one. */
    @Test
    void transformerWithProjectedEmbeddingsAtBothOpsets() throws IOException {
        TransformerConfig c = new TransformerConfig(2, 16, 4, 24, 32, Pooling.CLS_GELU, Activation.GELU, 0, 8);
        TextClassifier model = Students.randomised(c, VOCAB, 2, 4);
        for (OnnxOpset opset : OnnxOpset.values()) {
            TransformerConfig read = (TransformerConfig) roundTrip(model, SST2, opset).config();
            // the export writes a fused layer norm's epsilon as 1e-12; the rest of the shape reads back as it was
            assertEquals(c, new TransformerConfig(read.layers(), read.hidden(), read.heads(), read.ffn(), read.maxPositions(),
                    read.pooling(), read.activation(), 0, read.embeddingSize()));
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void transformerEachActivation(Activation activation) throws IOException {
        ModelConfig c = new TransformerConfig(1, 16, 2, 32, 16, Pooling.MEAN, activation, 1e-5);
        TextClassifier back = roundTrip(Students.randomised(c, VOCAB, 2, 4), SST2, OnnxOpset.V14);
        assertEquals(activation, back.config().flat().activation());
        assertEquals(1e-5, back.config().flat().layerNormEps(), 1e-12);
    }

    @Test
    void biLstm() throws IOException {
        roundTrip(Students.randomised(ModelConfig.of(ModelType.BILSTM, 1, 12, 1, 10, 512, Pooling.MEAN), VOCAB, 2, 5), SST2,
                OnnxOpset.V17);
    }

    @Test
    void biLstmWithAReluLayerBeforeItsClassifier() throws IOException {
        TextClassifier back = roundTrip(Students.randomised(new org.kd4j.model.BiLstmConfig(12, 10, 7), VOCAB, 2, 5), SST2,
                OnnxOpset.V17);
        assertEquals(new org.kd4j.model.BiLstmConfig(12, 10, 7), back.config());
    }

    @Test
    void cnn() throws IOException {
        roundTrip(Students.randomised(ModelConfig.of(ModelType.CNN, 1, 12, 1, 6, 512, Pooling.MEAN), VOCAB, 2, 6), SST2,
                OnnxOpset.V14);
    }

    @Test
    void regressionStudents() throws IOException {
        ExportMetadata stsb = new ExportMetadata(GlueTask.STSB, GlueTask.STSB.labels(), 32);
        for (ModelType type : new ModelType[] {ModelType.TRANSFORMER, ModelType.BILSTM, ModelType.CNN}) {
            ModelConfig c = ModelConfig.of(type, 1, 16, 2, 8, 32, Pooling.MEAN);
            assertEquals(1, roundTrip(Students.randomised(c, VOCAB, 1, 7), stsb, OnnxOpset.V17).outputs());
        }
    }

    @Test
    void aFileThatIsNoStudentIsRefusedNamingIt() throws IOException {
        TextClassifier model = Students.randomised(ModelConfig.of(ModelType.CNN, 1, 12, 1, 6, 512, Pooling.MEAN), VOCAB, 2, 6);
        Onnx.ModelProto proto = StudentOnnxWriter.write(model, SST2, OnnxOpset.V17);
        Onnx.GraphProto.Builder g = proto.getGraph().toBuilder();
        // the width-5 convolution given the width-4 weights: its padding no longer fits
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Conv") && g.getNode(i).getOutput(0).equals("conv5")) {
                Onnx.NodeProto conv = g.getNode(i);
                g.setNode(i, conv.toBuilder().setInput(1, "conv4_w").setInput(2, "conv4_b").build());
            }
        }
        Path file = dir.resolve("broken.onnx");
        Files.write(file, proto.toBuilder().setGraph(g).build().toByteArray());
        KdException e = assertThrows(KdException.class, () -> ExportedModelReader.find().orElseThrow().read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 'same' padding [1, 2], found [2, 2]"), e.getMessage());
    }
}
