package org.kd4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;
import org.kd4j.eval.Metric;

/** provenance.json and metrics.json as typed records: the field names on disk, round trips, files of the last version. */
class RunRecordsTest {

    @TempDir
    Path dir;

    private static RunProvenance provenance() {
        return new RunProvenance("2026-12-01T20:00:00Z", "kd4j distill --config x.yaml", "0.1.0", "1.0.0-M2.1", "17.0.9",
                "Linux amd64", 42, 7,
                new RunProvenance.DataFile("data/train.tsv", "ab".repeat(32), "all", 100),
                null,
                new RunProvenance.StudentEmbeddings("minilm.onnx", "cd".repeat(32), "word_table", 384, 16, 0.625),
                new RunProvenance.DataFile("data/train.tsv", null, "unlabeled:n=60", 60),
                new RunProvenance.DataFile("data/dev.tsv", "ef".repeat(32), null, 32),
                "vocab:abc", List.of(new RunProvenance.TeacherEntry("cnn", "cache/cnn.kdm", "01".repeat(32), "vocab:abc")),
                new org.kd4j.util.Parallelism(1, 2, 48), "portable AVX2 build");
    }

    @Test
    void provenanceKeepsItsFieldNamesAndReadsBack() throws IOException {
        RunDirectory run = new RunDirectory(dir);
        run.writeProvenance(provenance());
        JsonNode json = new ObjectMapper().readTree(run.file(RunDirectory.PROVENANCE).toFile());
        for (String field : List.of("created", "command", "kd4j", "nd4j", "java", "os", "seed", "data_seed", "train_file",
                "student_embeddings", "unlabeled_train", "dev_file", "tokenizer", "teachers", "parallelism", "native_build")) {
            assertTrue(json.has(field), field + " in " + json);
        }
        assertFalse(json.has("transfer_file"), "absent parts are left out, as before");
        assertEquals(48, json.get("parallelism").get("micro_batch_tokens").asInt(), json.toString());
        assertEquals(64, json.get("train_file").get("sha256").asText().length());
        assertFalse(json.get("unlabeled_train").has("sha256"));
        assertFalse(json.get("dev_file").has("subset"));
        assertEquals(16, json.get("student_embeddings").get("to_width").asInt());
        assertEquals("word_table", json.get("student_embeddings").get("from").asText());
        assertEquals(0.625, json.get("student_embeddings").get("variance_kept").asDouble());
        assertEquals("cache/cnn.kdm", json.get("teachers").get(0).get("model_file").asText());
        assertEquals(provenance(), run.readProvenance());
    }

    @Test
    void metricsRowsAreFlatWithOneDevFieldPerMetric() throws IOException {
        Map<Metric, Double> dev = new LinkedHashMap<>();
        dev.put(Metric.F1, 0.8);
        dev.put(Metric.ACCURACY, 0.75);
        RunMetrics metrics = new RunMetrics("MRPC", "MRPC dev", List.of(
                new RunMetrics.Row("teacher cnn (cnn)", 1000, dev, 0.5, 32, 0.25, 128.0, 3.5),
                new RunMetrics.Row("ensemble of 1 teachers (uniform)", 0, dev, 0.45, 32, 0, 0, 0)));
        RunDirectory run = new RunDirectory(dir);
        run.writeMetrics(metrics);
        JsonNode row = new ObjectMapper().readTree(run.file(RunDirectory.METRICS).toFile()).get("rows").get(0);
        List<String> names = new java.util.ArrayList<>();
        row.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("name", "parameters", "dev_f1", "dev_accuracy", "dev_loss", "dev_examples", "eval_seconds",
                "eval_samples_per_second", "train_seconds"), names);
        RunMetrics back = run.readMetrics();
        assertEquals(metrics, back);
        assertEquals(List.of(Metric.F1, Metric.ACCURACY), List.copyOf(back.rows().get(0).dev().keySet()), "the task's order");
    }

    @Test
    void aTrainedStudentsRowCarriesItsPhasesAsOneObject() throws IOException {
        Map<String, Double> phases = new LinkedHashMap<>();
        phases.put("batches", 0.5);
        phases.put("gradients", 7.25);
        phases.put("graph", 6.0);
        RunMetrics metrics = new RunMetrics("SST-2", "SST-2 dev", List.of(
                new RunMetrics.Row("student", 10, Map.of(Metric.ACCURACY, 0.8), 0.4, 8, 0.1, 80, 9.0, phases)));
        RunDirectory run = new RunDirectory(dir);
        run.writeMetrics(metrics);
        JsonNode row = new ObjectMapper().readTree(run.file(RunDirectory.METRICS).toFile()).get("rows").get(0);
        assertEquals(7.25, row.get("train_phase_seconds").get("gradients").asDouble());
        List<String> keys = new java.util.ArrayList<>();
        row.get("train_phase_seconds").fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("batches", "gradients", "graph"), keys, "the phases' order");
        RunMetrics back = run.readMetrics();
        assertEquals(metrics, back);
        assertEquals(List.of("batches", "gradients", "graph"), List.copyOf(back.rows().get(0).trainPhaseSeconds().keySet()));
    }

    @Test
    void filesOfThePreviousVersionAndPartialFilesRead() throws IOException {
        // as the last version wrote them (maps, NaN as a string), and as tests write them (some fields only)
        Files.writeString(dir.resolve(RunDirectory.METRICS), """
                {"task": "STS-B", "title": "t", "rows": [
                  {"name": "student", "parameters": 12, "dev_pearson": 0.9, "dev_spearman": "NaN", "dev_loss": 0.1,
                   "dev_examples": 60, "eval_seconds": 0.5, "eval_samples_per_second": 120.0, "train_seconds": 9.0},
                  {"name": "teacher a (cnn)", "dev_pearson": 0.7}]}
                """);
        Files.writeString(dir.resolve(RunDirectory.PROVENANCE), """
                {"created": "x", "kd4j": "0.1.0", "nd4j": "1.0.0-M2.1", "future_field": 1,
                 "train_file": {"examples": 100, "sha256": "aa", "path": "t.tsv", "subset": "all"},
                 "teachers": [{"tokenizer": "v", "name": "a", "sha256": "bb", "model_file": "a.kdm"}]}
                """);
        RunDirectory run = new RunDirectory(dir);
        RunMetrics metrics = run.readMetrics();
        assertEquals(0.9, metrics.rows().get(0).dev(Metric.PEARSON).orElseThrow());
        assertTrue(metrics.rows().get(0).dev(Metric.SPEARMAN).orElseThrow().isNaN());
        assertEquals(0.0, metrics.rows().get(1).trainSeconds());
        assertEquals(Map.of(), metrics.rows().get(0).trainPhaseSeconds(), "files before the phases have none");
        RunProvenance provenance = run.readProvenance();
        assertEquals("a.kdm", provenance.teachers().get(0).modelFile());
        assertEquals(100, provenance.trainFile().examples());
        assertNull(provenance.devFile());
    }

    @Test
    void badFilesNameTheFileAndTheField() throws IOException {
        RunDirectory run = new RunDirectory(dir);
        KdException missing = assertThrows(KdException.class, run::readMetrics);
        assertTrue(missing.getMessage().startsWith(dir.resolve(RunDirectory.METRICS) + ": not found"), missing.getMessage());
        Files.writeString(dir.resolve(RunDirectory.PROVENANCE), "{\"seed\": \"forty-two\"}");
        KdException wrongType = assertThrows(KdException.class, run::readProvenance);
        assertTrue(wrongType.getMessage().startsWith(dir.resolve(RunDirectory.PROVENANCE) + ": field 'seed': "),
                wrongType.getMessage());
        Files.writeString(dir.resolve(RunDirectory.METRICS), "{\"rows\": [{\"name\": \"s\", \"dev_bleu\": 1}]}");
        KdException unknownMetric = assertThrows(KdException.class, run::readMetrics);
        assertTrue(unknownMetric.getMessage().contains("field 'dev_bleu' names no metric"), unknownMetric.getMessage());
        Files.writeString(dir.resolve(RunDirectory.METRICS), "{\"rows\": [{\"name\": \"s\", \"train_phase_seconds\": 3}]}");
        KdException notAnObject = assertThrows(KdException.class, run::readMetrics);
        assertTrue(notAnObject.getMessage().contains("row 's': field 'train_phase_seconds': expected an object of seconds by"
                + " phase, found 3"), notAnObject.getMessage());
        Files.writeString(dir.resolve(RunDirectory.METRICS),
                "{\"rows\": [{\"name\": \"s\", \"train_phase_seconds\": {\"graph\": \"slow\"}}]}");
        KdException notANumber = assertThrows(KdException.class, run::readMetrics);
        assertTrue(notANumber.getMessage().contains("row 's': field 'train_phase_seconds.graph': expected a number, found slow"),
                notANumber.getMessage());
    }
}
