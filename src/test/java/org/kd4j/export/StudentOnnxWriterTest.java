package org.kd4j.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.model.Activation;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.TransformerConfig;
import org.kd4j.testing.Students;

/**
 * Every student shape written as ONNX computes, in ONNX Runtime, the logits kd4j computes: batches of 1 to 5 rows
 * padded to 3..13 tokens with rows of random lengths, weights of a trained model's scale. The bar is 1e-5 of the
 * logits' largest magnitude (the export's own check uses 1e-4).
 */
class StudentOnnxWriterTest {

    private static final int VOCAB = 60;
    private static final ExportMetadata SST2 = new ExportMetadata(GlueTask.SST2, GlueTask.SST2.labels(), 32);
    private static final ExportMetadata STSB = new ExportMetadata(GlueTask.STSB, GlueTask.STSB.labels(), 32);

    static double worstRelative(TextClassifier model, Onnx.ModelProto proto) {
        double worst = 0;
        try (OrtStudent ort = new OrtStudent(proto.toByteArray(), "test.onnx", 1)) {
            int[][] shapes = {{1, 3}, {2, 7}, {5, 13}, {3, 4}};
            for (int i = 0; i < shapes.length; i++) {
                Batch batch = Students.randomBatch(shapes[i][0], shapes[i][1], VOCAB, 100 + i);
                float[][] ours = model.logits(batch);
                float[][] theirs = ort.logits(batch);
                double diff = 0;
                double scale = 0;
                for (int r = 0; r < ours.length; r++) {
                    assertEquals(ours[r].length, theirs[r].length);
                    for (int c = 0; c < ours[r].length; c++) {
                        diff = Math.max(diff, Math.abs(ours[r][c] - theirs[r][c]));
                        scale = Math.max(scale, Math.abs(ours[r][c]));
                    }
                }
                assertTrue(scale > 0.05, "logits too small to tell anything: " + scale);
                worst = Math.max(worst, diff / scale);
            }
        }
        return worst;
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void transformerPoolings(Pooling pooling) {
        ModelConfig c = ModelConfig.of(ModelType.TRANSFORMER, 2, 16, 4, 24, 32, pooling);
        TextClassifier model = Students.randomised(c, VOCAB, 2, 7);
        for (OnnxOpset opset : OnnxOpset.values()) {
            double worst = worstRelative(model, StudentOnnxWriter.write(model, SST2, opset));
            assertTrue(worst < 1e-5, pooling + " at " + opset + ": " + worst);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void transformerActivationsAndLayerNormEpsilon(Activation activation) {
        ModelConfig c = new TransformerConfig(1, 16, 2, 32, 16, Pooling.CLS, activation, 1e-5);
        TextClassifier model = Students.randomised(c, VOCAB, 2, 8);
        double worst = worstRelative(model, StudentOnnxWriter.write(model, SST2, OnnxOpset.V14));
        assertTrue(worst < 1e-5, activation + ": " + worst);
    }

    @Test
    void biLstm() {
        TextClassifier model = Students.randomised(ModelConfig.of(ModelType.BILSTM, 1, 12, 1, 10, 64, Pooling.MEAN), VOCAB, 2, 9);
        double worst = worstRelative(model, StudentOnnxWriter.write(model, SST2, OnnxOpset.V17));
        assertTrue(worst < 1e-5, "bilstm: " + worst);
    }

    @Test
    void biLstmWithAReluLayerBeforeItsClassifier() {
        TextClassifier model = Students.randomised(new org.kd4j.model.BiLstmConfig(12, 10, 9), VOCAB, 2, 11);
        assertTrue(model.parameters().containsKey("head_w"), model.parameters().keySet().toString());
        double worst = worstRelative(model, StudentOnnxWriter.write(model, SST2, OnnxOpset.V17));
        assertTrue(worst < 1e-5, "bilstm with a ReLU head: " + worst);
    }

    /** Three stacked layers: the second and third LSTM nodes read the layer under them, checked against kd4j's logits. */
    @Test
    void stackedBiLstmLayers() {
        TextClassifier model = Students.randomised(new org.kd4j.model.BiLstmConfig(12, 10, 0, 3), VOCAB, 2, 12);
        assertTrue(model.parameters().containsKey("lstm3_bwd_rw"), model.parameters().keySet().toString());
        Onnx.ModelProto proto = StudentOnnxWriter.write(model, SST2, OnnxOpset.V17);
        assertEquals(3, proto.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("LSTM")).count());
        double worst = worstRelative(model, proto);
        assertTrue(worst < 1e-5, "3-layer bilstm: " + worst);
    }

    @Test
    void cnn() {
        TextClassifier model = Students.randomised(ModelConfig.of(ModelType.CNN, 1, 12, 1, 6, 64, Pooling.MEAN), VOCAB, 2, 10);
        double worst = worstRelative(model, StudentOnnxWriter.write(model, SST2, OnnxOpset.V17));
        assertTrue(worst < 1e-5, "cnn: " + worst);
    }

    @Test
    void regressionHasOneOutputAndTheContract() {
        TextClassifier model = Students.randomised(ModelConfig.of(ModelType.TRANSFORMER, 1, 16, 2, 16, 16, Pooling.MEAN),
                VOCAB, 1, 11);
        Onnx.ModelProto proto = StudentOnnxWriter.write(model, STSB, OnnxOpset.V17);
        assertTrue(worstRelative(model, proto) < 1e-5);
        Onnx.GraphProto g = proto.getGraph();
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"),
                g.getInputList().stream().map(Onnx.ValueInfoProto::getName).toList());
        for (Onnx.ValueInfoProto in : g.getInputList()) {
            Onnx.TypeProto.Tensor t = in.getType().getTensorType();
            assertEquals(Onnx.TensorProto.DataType.INT64.getNumber(), t.getElemType());
            assertEquals(List.of("batch", "sequence"), t.getShape().getDimList().stream().map(Onnx.TensorShapeProto.Dimension::getDimParam).toList());
        }
        assertEquals("logits", g.getOutput(0).getName());
        assertEquals(1, g.getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
        assertEquals(17, proto.getOpsetImport(0).getVersion());
        assertTrue(g.getNodeList().stream().allMatch(n -> n.getDomain().isEmpty()));
        Map<String, String> meta = proto.getMetadataPropsList().stream()
                .collect(Collectors.toMap(Onnx.StringStringEntryProto::getKey, Onnx.StringStringEntryProto::getValue));
        assertEquals(STSB, ExportMetadata.of(meta, "test.onnx"));
    }
}
