package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.api.DistilledClassifier;
import org.kd4j.cli.CliRunner;
import org.kd4j.config.StudentVariant;
import org.kd4j.run.RunDirectory;

/**
 * The main job end to end on a tiny generated task in SST-2's file layout: the command, the run directory,
 * evaluate, predict, the Java API, the teacher cache, and bad input caught before anything is written.
 */
class DistillationRunTest {

    @TempDir static Path root;
    static Path config;
    static CliRunner first;

    static void writeSst2(Path dir, String split, int n, long seed) throws IOException {
        org.kd4j.testing.SyntheticSst2.write(dir, split, n, seed);
    }

    static String yaml(Path data, Path run) {
        return """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                teachers:
                  - name: cnn
                    model: {type: cnn, hidden: 16, ffn: 16}
                    train: {epochs: 3, learning_rate: 0.01}
                  - name: lstm
                    model: {type: bilstm, hidden: 16, ffn: 16}
                    train: {epochs: 3, learning_rate: 0.01}
                    vocab: bert-base-cased
                student:
                  model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32}
                  train: {epochs: 3, learning_rate: 0.005}
                distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, run, root.resolve("cache"));
    }

    @BeforeAll
    static void runOnce() throws IOException {
        Path data = root.resolve("data");
        writeSst2(data, "train", 240, 1);
        writeSst2(data, "dev", 64, 2);
        config = root.resolve("tiny.yaml");
        Files.writeString(config, yaml(data, root.resolve("run")));
        first = CliRunner.run("distill", "--config", config.toString(), "--no-progress");
    }

    @Test
    void aStudentOfOneTeacherIsNamedAfterItInTheLogsAndPlots() {
        assertEquals("student, distilled from minilm (the only teacher)",
                DistillationRun.trainerName(StudentVariant.ENSEMBLE, List.of("minilm")));
        assertEquals("student, distilled from ensemble",
                DistillationRun.trainerName(StudentVariant.ENSEMBLE, List.of("minilm", "bge-small")));
        assertEquals("student, distilled from best teacher",
                DistillationRun.trainerName(StudentVariant.BEST_TEACHER, List.of("minilm")));
        assertEquals("student, cross-entropy only",
                DistillationRun.trainerName(StudentVariant.CROSS_ENTROPY, List.of()));
    }

    @Test
    void printsTheComparisonTableAndWritesAFinishedRunDirectory() throws IOException {
        assertEquals(0, first.exitCode(), first.err());
        for (String row : new String[] {"teacher cnn (cnn)", "teacher lstm (bilstm)", "ensemble of 2 teachers (uniform)",
                "student, cross-entropy only", "student, distilled from best teacher", "student, distilled from ensemble"}) {
            assertTrue(first.out().contains("| " + row), row + " missing in\n" + first.out());
        }
        RunDirectory run = new RunDirectory(root.resolve("run"));
        assertTrue(run.finished());
        for (String name : new String[] {RunDirectory.MODEL, RunDirectory.LABELS, RunDirectory.CONFIG,
                RunDirectory.PROVENANCE, RunDirectory.REPORT, RunDirectory.TOKENIZER + "/vocab.txt"}) {
            assertTrue(Files.exists(run.file(name)), name);
        }
        // the students' training curves: a PNG of the figure's size, linked from the report
        java.awt.image.BufferedImage curves = javax.imageio.ImageIO.read(run.file(RunDirectory.CURVES).toFile());
        assertEquals(org.kd4j.plot.TrainingCurvePlot.WIDTH, curves.getWidth());
        assertEquals(org.kd4j.plot.TrainingCurvePlot.HEIGHT, curves.getHeight());
        assertTrue(Files.readString(run.file(RunDirectory.REPORT)).contains("![Training curves](curves.png)"));
        JsonNode metrics = new ObjectMapper().readTree(run.file(RunDirectory.METRICS).toFile());
        assertEquals(6, metrics.get("rows").size());
        JsonNode ensembleStudent = metrics.get("rows").get(5);
        assertTrue(ensembleStudent.get("dev_accuracy").asDouble() >= 0.8, ensembleStudent.toString());
        // each student's training time by phase: every phase named, the caller's phases within its training time
        for (int i = 0; i < 6; i++) {
            JsonNode row = metrics.get("rows").get(i);
            JsonNode phases = row.get("train_phase_seconds");
            if (i < 3) {
                assertNull(phases, "teachers and the ensemble were not trained as students: " + row);
                continue;
            }
            List<String> keys = new java.util.ArrayList<>();
            phases.fieldNames().forEachRemaining(keys::add);
            assertEquals(java.util.Arrays.stream(org.kd4j.distill.train.TrainingPhases.Phase.values())
                    .map(org.kd4j.distill.train.TrainingPhases.Phase::key).toList(), keys, row.toString());
            double caller = 0;
            for (org.kd4j.distill.train.TrainingPhases.Phase p : org.kd4j.distill.train.TrainingPhases.Phase.values()) {
                caller += p.onCaller() ? phases.get(p.key()).asDouble() : 0;
            }
            assertTrue(phases.get("gradients").asDouble() > 0, row.toString());
            assertTrue(caller <= row.get("train_seconds").asDouble() + 1e-6, row.toString());
        }
        JsonNode provenance = new ObjectMapper().readTree(run.file(RunDirectory.PROVENANCE).toFile());
        assertEquals(2, provenance.get("teachers").size());
        // the BiLSTM teacher tokenized with its own (cased) vocabulary: teachers with different tokenizers work together
        assertTrue(!provenance.get("teachers").get(0).get("tokenizer").asText()
                .equals(provenance.get("teachers").get(1).get("tokenizer").asText()), provenance.toString());
        assertEquals(64, provenance.get("train_file").get("sha256").asText().length());
    }

    @Test
    void teachersComeFromTheCacheOnTheSecondRun() throws IOException {
        Path other = root.resolve("again.yaml");
        Files.writeString(other, Files.readString(config).replace(root.resolve("run").toString(), root.resolve("run2").toString()));
        CliRunner second = CliRunner.run("distill", "--config", other.toString(), "--no-progress");
        assertEquals(0, second.exitCode(), second.err());
        // a cached teacher reports the training time its provenance recorded, marked as cached, and its dev speed
        // measured in this run
        java.util.List<String> teachers = second.out().lines().filter(l -> l.startsWith("| teacher")).toList();
        assertEquals(2, teachers.size(), second.out());
        for (String line : teachers) {
            String[] cells = line.split("\\|");
            assertTrue(cells[cells.length - 1].strip().matches("[0-9]+\\.[0-9] \\(cached\\)"), line);
            assertTrue(Double.parseDouble(cells[6].strip()) > 0, "eval samples/s of " + line);
        }
    }

    @Test
    void aCachedTeacherWithTheWrongLabelCountIsRejected() throws IOException {
        Path cache = root.resolve("wrong-cache");
        Path yaml = root.resolve("wrong.yaml");
        Files.writeString(yaml, Files.readString(config).replace(root.resolve("cache").toString(), cache.toString())
                .replace(root.resolve("run").toString(), root.resolve("wrong-run").toString()));
        assertEquals(0, CliRunner.run("distill", "--config", yaml.toString(), "--no-progress").exitCode());
        Path cnn;
        try (var files = Files.list(cache.resolve("teachers"))) {
            cnn = files.filter(f -> f.getFileName().toString().startsWith("cnn-") && f.toString().endsWith(".kdm")).findFirst()
                    .orElseThrow();
        }
        org.kd4j.model.TextClassifier.create(org.kd4j.model.ModelConfig.of(org.kd4j.model.ModelType.CNN, 1, 16, 1, 16, 64,
                org.kd4j.model.Pooling.MEAN), org.kd4j.data.tokenize.BertTokenizer.load("bert-base-uncased").vocabSize(), 3, 1)
                .save(cnn);
        CliRunner r = CliRunner.run("distill", "--config", yaml.toString(), "--no-progress");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("teachers[cnn]: expects 3 labels, task SST-2 has 2"), r.err());
    }

    @Test
    void resumeRefusesCheckpointsOfAnotherConfiguration() throws IOException {
        assertEquals(0, first.exitCode(), first.err());
        Path copy = root.resolve("resume-run");
        try (var files = Files.walk(root.resolve("run"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = copy.resolve(root.resolve("run").relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        String where = "run.dir=" + copy;
        CliRunner changed = CliRunner.run("distill", "--config", config.toString(), "--set", where, "--resume",
                "--set", "student.train.learning_rate=0.001", "--no-progress");
        assertEquals(1, changed.exitCode(), changed.err());
        assertEquals("error: --resume: " + copy + " was started with another configuration (student.train.learning_rate:"
                + " 0.005 before, 0.001 now); resume it with the same preset and --set options, or run without --resume to"
                + " start again", changed.err().strip());
        assertTrue(new RunDirectory(copy).finished(), "the refused resume left the run as it was");
        // the run section may change (where it writes, its cache, its parallelism): the checkpoints are resumed
        CliRunner same = CliRunner.run("distill", "--config", config.toString(), "--set", where, "--resume",
                "--threads", "1", "--no-progress");
        assertEquals(0, same.exitCode(), same.err());
        assertTrue(new RunDirectory(copy).finished());
        assertEquals(Files.readString(root.resolve("run").resolve(RunDirectory.WORK).resolve("config.yaml")),
                Files.readString(copy.resolve(RunDirectory.WORK).resolve("config.yaml")));
    }

    @Test
    void evaluateAndPredictUseTheRunDirectory() {
        CliRunner eval = CliRunner.run("evaluate", "--model", root.resolve("run").toString(), "--data-dir",
                root.resolve("data").toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("eval_accuracy"), eval.out());
        assertTrue(eval.out().contains("eval_samples_per_second"), eval.out());
        assertTrue(eval.out().contains("confusion (rows: gold label, columns: predicted)") && eval.out().contains("| precision "),
                eval.out());
        // --json: the same figures as one object, the confusion counts adding up to the samples
        CliRunner asJson = CliRunner.run("evaluate", "--model", root.resolve("run").toString(), "--data-dir",
                root.resolve("data").toString(), "--json");
        assertEquals(0, asJson.exitCode(), asJson.err());
        JsonNode j;
        try {
            j = new ObjectMapper().readTree(asJson.out());
        } catch (IOException e) {
            throw new AssertionError(asJson.out(), e);
        }
        assertEquals("SST-2", j.get("task").asText());
        assertEquals(metricRow(eval.out(), "eval_accuracy").replaceAll("[^0-9.]", ""),
                String.format(java.util.Locale.ROOT, "%.4f", j.get("metrics").get("accuracy").asDouble()));
        long counted = 0;
        for (JsonNode row : j.get("confusion").get("counts")) {
            for (JsonNode n : row) {
                counted += n.asLong();
            }
        }
        assertEquals(j.get("samples").asLong(), counted);
        assertEquals(List.of("0", "1"), List.of(j.get("confusion").get("labels").get(0).asText(),
                j.get("confusion").get("labels").get(1).asText()));

        CliRunner predict = CliRunner.runWithStdin("a wonderful movie\nthe plot was awful\n", "predict", "--model",
                root.resolve("run").toString());
        assertEquals(0, predict.exitCode(), predict.err());
        List<String> lines = predict.out().lines().toList();
        assertEquals(2, lines.size(), predict.out());
        assertTrue(lines.get(0).startsWith("{\"label\":\"1\",\"probabilities\":{\"0\":"), lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"label\":\"0\""), lines.get(1));

        // the classifier's options from the command line: one worker, one row a batch, the same answers
        CliRunner narrow = CliRunner.runWithStdin("a wonderful movie\nthe plot was awful\n", "predict", "--model",
                root.resolve("run").toString(), "--workers", "1", "--batch-size", "1", "--threads", "1");
        assertEquals(0, narrow.exitCode(), narrow.err());
        assertEquals(predict.out(), narrow.out());
        CliRunner evalNarrow = CliRunner.run("evaluate", "--model", root.resolve("run").toString(), "--data-dir",
                root.resolve("data").toString(), "--workers", "2", "--batch-size", "3");
        assertEquals(0, evalNarrow.exitCode(), evalNarrow.err());
        assertEquals(metricRow(eval.out(), "eval_accuracy"), metricRow(evalNarrow.out(), "eval_accuracy"));
    }

    private static String metricRow(String table, String metric) {
        return table.lines().filter(l -> l.startsWith("| " + metric + " ")).findFirst().orElseThrow(() -> new AssertionError(table));
    }

    @Test
    void javaApiIsThreadSafe() throws Exception {
        try (DistilledClassifier classifier = DistilledClassifier.load(root.resolve("run"))) {
            threadSafe(classifier);
        }
    }

    private static void threadSafe(DistilledClassifier classifier) throws Exception {
        List<String> texts = List.of("a good film", "boring story", "it was great", "the movie was bad and boring");
        List<DistilledClassifier.Prediction> expected = classifier.classify(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<DistilledClassifier.Prediction>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> classifier.classify(texts)));
            }
            for (Future<List<DistilledClassifier.Prediction>> f : futures) {
                assertEquals(expected, f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals("1", expected.get(0).label());
        assertEquals("0", expected.get(1).label());
    }

    @Test
    void theDistilledStudentExportsToOnnxAndServesFromTheFile() throws Exception {
        Path onnx = root.resolve("export/model.onnx");
        CliRunner export = CliRunner.run("export", "--model", root.resolve("run").toString(), "--onnx", onnx.toString(),
                "--data-dir", root.resolve("data").toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().contains("vs kd4j on 64 dev examples"), export.out());
        try (DistilledClassifier fromFile = DistilledClassifier.load(onnx)) {
            threadSafe(fromFile);
        }
    }

    @Test
    void unlabeledTransferDataWithHardDistillation() throws IOException {
        Path transfer = root.resolve("transfer.txt");
        List<String> lines = new ArrayList<>();
        String[] words = {"great", "wonderful", "good", "awful", "boring", "bad"};
        for (int i = 0; i < 120; i++) {
            lines.add("it was a " + words[i % words.length] + " story");
        }
        Files.write(transfer, lines);
        Path yaml = root.resolve("transfer.yaml");
        Files.writeString(yaml, Files.readString(config).replace("train_limit: 0}", "train_limit: 0, transfer_file: " + transfer + "}")
                .replace(root.resolve("run").toString(), root.resolve("transfer-run").toString())
                .replace("soft_weight: 0.5}", "soft_weight: 0.5, hard_distillation: true}"));
        CliRunner r = CliRunner.run("distill", "--config", yaml.toString(), "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("(+ 120 unlabeled transfer examples for distilled students)"), r.out());
        JsonNode provenance = new ObjectMapper().readTree(root.resolve("transfer-run").resolve(RunDirectory.PROVENANCE).toFile());
        assertEquals(120, provenance.get("transfer_file").get("examples").asInt());
        JsonNode rows = new ObjectMapper().readTree(root.resolve("transfer-run").resolve(RunDirectory.METRICS).toFile()).get("rows");
        assertTrue(rows.get(5).get("dev_accuracy").asDouble() >= 0.8, rows.toString());

        Files.write(transfer, List.of("fine", "   ", "good"));
        CliRunner bad = CliRunner.run("distill", "--config", yaml.toString(), "--no-progress");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains(transfer + ":2: empty text"), bad.err());
    }

    @Test
    void regressionPairTaskEndToEnd() throws IOException {
        // STS-B layout: the score is high (4..5) when the second sentence's sentiment word is positive, else low (0..1)
        Path data = root.resolve("stsb");
        String header = "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore";
        String[][] words = {{"awful", "boring", "bad"}, {"great", "wonderful", "good"}};
        for (String split : new String[] {"train", "dev"}) {
            SplittableRandom random = new SplittableRandom(split.length());
            List<String> lines = new ArrayList<>(List.of(header));
            for (int i = 0; i < (split.equals("train") ? 200 : 60); i++) {
                int a = random.nextInt(2);
                int b = random.nextInt(2);
                double score = b == 1 ? 4 + random.nextDouble() : random.nextDouble();
                lines.add(i + "\tmain\tx\t2012\t0\tnone\tnone\tthe film was " + words[a][random.nextInt(3)]
                        + "\tit was " + words[b][random.nextInt(3)] + " really\t" + String.format(java.util.Locale.ROOT, "%.3f", score));
            }
            Files.createDirectories(data.resolve("glue/STS-B"));
            Files.write(data.resolve("glue/STS-B/" + split + ".tsv"), lines);
        }
        Path yaml = root.resolve("stsb.yaml");
        Files.writeString(yaml, yaml(data, root.resolve("stsb-run")).replace("task: SST-2", "task: STS-B")
                .replace("distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5}",
                        // teacher_loss: each teacher weighted by its squared error on the example's gold score
                        "distill: {temperature: 1, temperature_end: 1, hard_weight: 0.5, soft_weight: 0.5,"
                                + " weighting: teacher_loss}"));
        CliRunner r = CliRunner.run("distill", "--config", yaml.toString(), "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("dev pearson"), r.out());
        JsonNode rows = new ObjectMapper().readTree(root.resolve("stsb-run").resolve(RunDirectory.METRICS).toFile()).get("rows");
        assertTrue(rows.get(5).get("dev_pearson").asDouble() > 0.7, rows.toString());
        CliRunner predict = CliRunner.runWithStdin("the film was great\tit was good really\n", "predict", "--model",
                root.resolve("stsb-run").toString());
        assertEquals(0, predict.exitCode(), predict.err());
        assertTrue(predict.out().startsWith("{\"score\":"), predict.out());
    }

    @Test
    void badInputFailsBeforeAnythingIsWritten() throws IOException {
        Path empty = root.resolve("empty");
        Files.createDirectories(empty.resolve("glue/SST-2"));
        Files.writeString(empty.resolve("glue/SST-2/train.tsv"), "sentence\tlabel\n");
        Files.writeString(empty.resolve("glue/SST-2/dev.tsv"), "sentence\tlabel\nfine .\t1\n");
        Path emptyConfig = root.resolve("empty.yaml");
        Files.writeString(emptyConfig, yaml(empty, root.resolve("never")));
        CliRunner r = CliRunner.run("distill", "--config", emptyConfig.toString(), "--no-progress");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("the training set is empty"), r.err());
        assertFalse(Files.exists(root.resolve("never")), "nothing written to the run directory");

        CliRunner missing = CliRunner.run("distill", "--config", config.toString(), "--set", "data.dir=" + root.resolve("nowhere"),
                "--set", "run.dir=" + root.resolve("never"));
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("file not found"), missing.err());
        assertFalse(Files.exists(root.resolve("never")));

        CliRunner task = CliRunner.run("distill", "--config", config.toString(), "--set", "task=SST-3");
        assertEquals(1, task.exitCode());
        assertTrue(task.err().contains("unknown task 'SST-3'"), task.err());

        CliRunner threads = CliRunner.run("distill", "--config", config.toString(), "--threads", "-1");
        assertEquals(2, threads.exitCode()); // bad usage
        assertEquals("error: --threads: expected 0 (ND4J's own default) or more, found -1 (see 'kd4j distill --help')",
                threads.err().strip());

        CliRunner notARun = CliRunner.run("evaluate", "--model", root.resolve("data").toString());
        assertEquals(1, notARun.exitCode());
        assertTrue(notARun.err().contains("not a finished run"), notARun.err());
    }
}
