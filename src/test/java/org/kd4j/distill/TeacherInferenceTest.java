package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kd4j.KdException;
import org.kd4j.config.TeacherRuntime;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.Encoding;
import org.kd4j.export.ExportCheck;
import org.kd4j.model.Activation;
import org.kd4j.model.BiLstmConfig;
import org.kd4j.model.CnnConfig;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.TransformerConfig;
import org.kd4j.util.Parallelism;

/**
 * A native teacher scored by ONNX Runtime gives kd4j's logits (within the export bar, 1e-4 of the largest logit), row for
 * row in data order, for each native architecture, and so do its pooled representations; kd4j's runtime is the model's
 * own logits and representations; a failed check is an error naming the teacher, its file and both figures.
 */
class TeacherInferenceTest {

    private static final int VOCAB = 50;

    /** 37 rows of 3..20 tokens in no particular order of length (so batches are reordered), on two segments. */
    private static EncodedDataset data() {
        Random r = new Random(5);
        List<Encoding> rows = new ArrayList<>();
        int n = 37;
        for (int i = 0; i < n; i++) {
            int len = 3 + r.nextInt(18);
            int[] ids = new int[len];
            int[] types = new int[len];
            ids[0] = 1;
            for (int t = 1; t < len - 1; t++) {
                ids[t] = 4 + r.nextInt(VOCAB - 4);
                types[t] = t > len / 2 ? 1 : 0;
            }
            ids[len - 1] = 2;
            types[len - 1] = 1;
            rows.add(new Encoding(ids, types));
        }
        return new EncodedDataset(GlueTask.MRPC, rows, new int[n], new double[n], 24);
    }

    private static void agreesWithKd4j(ModelConfig config) {
        TextClassifier model = TextClassifier.create(config, VOCAB, 2, 3);
        model.parameters().get("classifier_w").muli(300); // logits of order 1, not 1e-3, so that the bar means something
        NativeTeacherModel teacher = NativeTeacherModel.of(model, Path.of("teacher.kdm"));
        EncodedDataset data = data();
        float[][] expected = model.logits(data, 8, 0);
        try (TeacherInference ort = TeacherInference.of("t", teacher, TeacherRuntime.ONNX_RUNTIME, GlueTask.MRPC, 24,
                Parallelism.sequential())) {
            assertSame(TeacherRuntime.ONNX_RUNTIME, ort.runtime());
            float[][] actual = ort.logits(data, 8, 0);
            assertTrue(ort.runtimeName().startsWith("ONNX Runtime "), ort.runtimeName());
            ExportCheck check = ExportCheck.compare(expected, actual);
            assertEquals(data.size(), check.examples());
            assertTrue(check.maxLogit() > 0.01, "logits too small to compare: " + check.describe());
            assertTrue(check.passes(), config + ": " + check.describe());
            // a second call reuses the session and gives the same rows
            float[][] again = ort.logits(data, 8, 0);
            for (int i = 0; i < actual.length; i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(actual[i], again[i], 0f);
            }
            // the pooled representations (the hidden loss's targets), row for row in data order
            ExportCheck features = ExportCheck.compare(model.features(data, 8, 0), ort.features(data, 8, 0));
            assertEquals(data.size(), features.examples());
            assertTrue(features.maxLogit() > 0.01, "features too small to compare: " + features.describe());
            assertTrue(features.passes(), config + " features: " + features.describe());
        }
        // both from one pass: the same rows as the two passes give, on either runtime
        for (TeacherRuntime runtime : TeacherRuntime.values()) {
            try (TeacherInference inference = TeacherInference.of("t", teacher, runtime, GlueTask.MRPC, 24,
                    Parallelism.sequential())) {
                TextClassifier.Scores both = inference.logitsAndFeatures(data, 8, 0);
                assertTrue(ExportCheck.compare(expected, both.logits()).passes(), runtime + " " + config);
                assertTrue(ExportCheck.compare(model.features(data, 8, 0), both.features()).passes(), runtime + " " + config);
                assertEquals(data.size(), both.features().length);
            }
        }
        // asked for first, the pooled representations open (and check) the session themselves
        try (TeacherInference ort = TeacherInference.of("t", teacher, TeacherRuntime.ONNX_RUNTIME, GlueTask.MRPC, 24,
                Parallelism.sequential())) {
            assertTrue(ExportCheck.compare(model.features(data, 5, 0), ort.features(data, 5, 0)).passes(), config.toString());
        }
    }

    @Test
    void pooledRepresentationsOnOnnxRuntimeAreCheckedAgainstKd4jAndOnKd4jAreTheModelsOwn() {
        TextClassifier model = TextClassifier.create(new BiLstmConfig(12, 10, 6), VOCAB, 2, 3);
        NativeTeacherModel teacher = NativeTeacherModel.of(model, Path.of("teacher.kdm"));
        EncodedDataset data = data();
        try (TeacherInference kd4j = TeacherInference.of("t", teacher, TeacherRuntime.KD4J, GlueTask.MRPC, 24,
                Parallelism.sequential())) {
            float[][] expected = model.features(data, 8, 0);
            float[][] actual = kd4j.features(data, 8, 0);
            for (int i = 0; i < expected.length; i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected[i], actual[i], 0f);
            }
        }
        try (TeacherInference ort = TeacherInference.of("t", teacher, TeacherRuntime.ONNX_RUNTIME, GlueTask.MRPC, 24,
                Parallelism.sequential())) {
            ort.logits(data, 8, 0); // the session is open and its logits checked
            // kd4j's model changes under the open session: its pooled representations no longer agree with the session's
            model.parameters().get(org.kd4j.model.EmbeddingLayer.TOKENS).addi(0.5);
            KdException e = assertThrows(KdException.class, () -> ort.features(data, 8, 0));
            assertTrue(e.getMessage().startsWith("teacher t (teacher.kdm): ONNX Runtime's pooled representations differ from"
                    + " kd4j's on the first "), e.getMessage());
            assertTrue(e.getMessage().endsWith("set run.teacher_runtime: kd4j to compute them on kd4j"), e.getMessage());
        }
    }

    @Test
    void aTransformerTeacherOnOnnxRuntimeGivesKd4jsLogitsInDataOrder() {
        agreesWithKd4j(new TransformerConfig(2, 16, 2, 32, 32, Pooling.MEAN, Activation.GELU, 0.0));
        agreesWithKd4j(new TransformerConfig(1, 16, 4, 24, 32, Pooling.CLS, Activation.GELU_SIGMOID, 0.0));
    }

    @Test
    void bilstmAndCnnTeachersOnOnnxRuntimeGiveKd4jsLogits() {
        agreesWithKd4j(new BiLstmConfig(12, 10));
        agreesWithKd4j(new BiLstmConfig(12, 10, 7));
        agreesWithKd4j(new BiLstmConfig(12, 10, 0, 2));
        agreesWithKd4j(new CnnConfig(12, 6));
    }

    @Test
    void onKd4jItIsTheModelsOwnLogitsAndNoDataIsNoRows() {
        TextClassifier model = TextClassifier.create(new CnnConfig(8, 4), VOCAB, 2, 4);
        EncodedDataset data = data();
        float[][] expected = model.logits(data, 8, 0);
        try (TeacherInference kd4j = TeacherInference.of("t", NativeTeacherModel.of(model, Path.of("t.kdm")), TeacherRuntime.KD4J,
                GlueTask.MRPC, 24, Parallelism.sequential())) {
            float[][] actual = kd4j.logits(data, 8, 0);
            for (int i = 0; i < expected.length; i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected[i], actual[i], 0f);
            }
            assertEquals("kd4j", kd4j.runtimeName());
        }
        try (TeacherInference ort = TeacherInference.of("t", NativeTeacherModel.of(model, Path.of("t.kdm")),
                TeacherRuntime.ONNX_RUNTIME, GlueTask.MRPC, 24, Parallelism.sequential())) {
            EncodedDataset none = new EncodedDataset(GlueTask.MRPC, List.of(), new int[0], new double[0], 24);
            assertEquals(0, ort.logits(none, 8, 0).length);
            assertEquals("ONNX Runtime", ort.runtimeName(), "no session is opened for no rows");
        }
    }

    @Test
    void theCheckCoversTheShortestAndTheLongestBatches() {
        EncodedDataset data = data();
        List<org.kd4j.data.batch.Batch> ten = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            ten.add(org.kd4j.data.batch.Batch.of(data, new int[] {b, b + 10, b + 20}, 0, 0));
        }
        // 30 batches of 3 rows: 11 from the front (33 rows >= 32), then from the back until 64 rows: 11 more
        List<org.kd4j.data.batch.Batch> ordered = new ArrayList<>(ten);
        for (int b = 0; b < 20; b++) {
            ordered.add(org.kd4j.data.batch.Batch.of(data, new int[] {b, b + 1, b + 2}, 0, 0));
        }
        List<org.kd4j.data.batch.Batch> checked = TeacherInference.checked(ordered);
        assertEquals(22, checked.size());
        assertEquals(ordered.subList(0, 11), checked.subList(0, 11));
        assertEquals(ordered.subList(19, 30), checked.subList(11, 22), "the last 11 of 30, in order");
        List<org.kd4j.data.batch.Batch> few = TeacherInference.checked(ten);
        assertEquals(ten.subList(0, 10), few.subList(0, 10), "30 rows: every batch, each once");
        assertEquals(10, few.size());
        assertEquals(List.of(ten.get(0)), TeacherInference.checked(ten.subList(0, 1)));
        assertEquals(3, TeacherInference.threads(new Parallelism(3, 1, 0)));
    }

    @Test
    void aCheckOutsideTheBarStopsTheRunNamingTheTeacherAndBothFigures() {
        ExportCheck off = new ExportCheck(64, 2, 0.05, 2.5, 0.02);
        KdException e = assertThrows(KdException.class, () -> TeacherInference.verified("bge-small", "runs/cache/teachers/b.kdm", off));
        assertEquals("teacher bge-small (runs/cache/teachers/b.kdm): ONNX Runtime's logits differ from kd4j's on the first 64"
                + " rows: max |difference| 5.0e-02, max |logit| 2.50, relative 2.0e-02, expected a relative difference of at"
                + " most 1.0E-4; set run.teacher_runtime: kd4j to score it on kd4j", e.getMessage());
        TeacherInference.verified("bge-small", "b.kdm", new ExportCheck(64, 2, 1e-5, 2.5, 4e-6)); // within the bar: no error
    }
}
