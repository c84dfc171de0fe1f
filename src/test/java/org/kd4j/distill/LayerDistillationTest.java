package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.cli.CliRunner;
import org.kd4j.config.ConfigLoader;
import org.kd4j.distill.train.Progress;
import org.kd4j.distill.train.TrainingCurve;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.TextClassifier;
import org.kd4j.run.RunDirectory;

/**
 * Intermediate-layer distillation end to end on a tiny generated SST-2: a 2-layer transformer teacher (hidden 24, 4
 * heads) and a 1-layer student (hidden 16, 2 heads: a projection, heads averaged), student layer 0 learning from teacher
 * layer 1; the loss falls and the projection is not part of the saved student. Layer maps naming layers a model does not
 * have, and teachers without transformer layers, fail before the run directory is touched.
 */
class LayerDistillationTest {

    @TempDir static Path root;
    static DistillationRun.Result first;

    static String yaml(Path run, String layers) {
        return """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                teachers:
                  - name: bert
                    model: {type: transformer, layers: 2, hidden: 24, heads: 4, ffn: 48, max_positions: 32}
                    train: {epochs: 2, learning_rate: 0.005}
                  - name: cnn
                    model: {type: cnn, hidden: 16, ffn: 8}
                    train: {epochs: 2, learning_rate: 0.01}
                student:
                  model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32}
                  train: {epochs: 3, learning_rate: 0.005}
                distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5, layers: %s}
                run: {dir: %s, cache_dir: %s, students: [ensemble]}
                """.formatted(root.resolve("data"), layers, run, root.resolve("cache"));
    }

    @BeforeAll
    static void runOnce() throws IOException {
        Path data = root.resolve("data");
        org.kd4j.testing.SyntheticSst2.write(data, "train", 160, 1);
        org.kd4j.testing.SyntheticSst2.write(data, "dev", 48, 2);
        Path config = root.resolve("layers.yaml");
        Files.writeString(config, yaml(root.resolve("run"),
                "{teacher: bert, map: [{student: 0, teacher: 1}], hidden_weight: 1.0, attention_weight: 1.0}"));
        first = new DistillationRun(ConfigLoader.load(config, List.of()), "test", false, Progress.off()).run();
    }

    @Test
    void theLossFallsAndTheProjectionIsNotPartOfTheStudent() {
        List<Double> losses = first.curves().get(0).series(TrainingCurve.Series.TRAIN_LOSS).stream()
                .map(TrainingCurve.Point::value).toList();
        assertEquals(30, losses.size());
        double start = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double end = losses.subList(25, 30).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(end < 0.8 * start, "loss from " + start + " to " + end + ": " + losses);
        TextClassifier saved = TextClassifier.load(first.directory().file(RunDirectory.MODEL));
        assertTrue(saved.parameters().keySet().stream().noneMatch(n -> n.startsWith(ClassifierGraph.LOSS_PREFIX)),
                saved.parameters().keySet().toString());
    }

    @Test
    void theLayerTeacherIsTheModelThePoolLoadedNotASecondCopy() throws IOException {
        Path config = root.resolve("layers-pool.yaml");
        Files.writeString(config, yaml(root.resolve("run-pool"),
                "{teacher: bert, map: [{student: 0, teacher: 1}], hidden_weight: 1.0, attention_weight: 1.0}"));
        var c = ConfigLoader.load(config, List.of());
        TeacherPool pool = new TeacherPool(c, new TaskData(c.task(), c.data()), Progress.off());
        List<Teacher> teachers = pool.teachers();
        assertEquals(2, pool.loadedFromCache(), "both cached teachers loaded once to be measured");
        TextClassifier layerTeacher = pool.layerTeacher().orElseThrow();
        assertTrue(layerTeacher == pool.layerTeacher().orElseThrow(), "one model");
        assertEquals(2, pool.loadedFromCache(), "not loaded again for the layer loss");
        Teacher bert = teachers.stream().filter(t -> t.name().equals("bert")).findFirst().orElseThrow();
        TextClassifier fromFile = TextClassifier.load(bert.modelFile());
        fromFile.parameters().forEach((name, value) -> assertEquals(value, layerTeacher.parameters().get(name), name));
    }

    @Test
    void aLayerTheStudentDoesNotHaveFailsBeforeTheRunDirectory() throws IOException {
        CliRunner r = distill("student-layer", "{teacher: bert, map: [{student: 0, teacher: 1}, {student: 3, teacher: 0}]}");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("distill.layers.map[1].student = 3: the student has layers 0..0"), r.err());
        assertFalse(Files.exists(root.resolve("never-student-layer")));
    }

    @Test
    void aLayerTheTeacherDoesNotHaveFailsBeforeTheRunDirectory() throws IOException {
        CliRunner r = distill("teacher-layer", "{teacher: bert, map: [{student: 0, teacher: 2}]}");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("distill.layers.map[0].teacher = 2: teacher bert has layers 0..1"), r.err());
        assertFalse(Files.exists(root.resolve("never-teacher-layer")));
    }

    @Test
    void aTeacherWithoutTransformerLayersOrUnknownFailsBeforeTheRunDirectory() throws IOException {
        CliRunner cnn = distill("cnn", "{teacher: cnn, map: [{student: 0, teacher: 0}]}");
        assertEquals(1, cnn.exitCode(), cnn.err());
        assertTrue(cnn.err().contains("distill.layers.teacher = cnn: a cnn teacher has no transformer layers; expected a"
                + " transformer teacher"), cnn.err());
        assertFalse(Files.exists(root.resolve("never-cnn")));

        CliRunner unknown = distill("unknown", "{teacher: roberta, map: [{student: 0, teacher: 0}]}");
        assertEquals(1, unknown.exitCode(), unknown.err());
        assertTrue(unknown.err().contains("distill.layers.teacher = 'roberta' is not valid; expected the name of a teacher"
                + " (bert, cnn)"), unknown.err());
        assertFalse(Files.exists(root.resolve("never-unknown")));

        CliRunner empty = distill("empty", "{teacher: bert, map: []}");
        assertEquals(1, empty.exitCode(), empty.err());
        assertTrue(empty.err().contains("map"), empty.err());
        assertFalse(Files.exists(root.resolve("never-empty")));
    }

    private static CliRunner distill(String name, String layers) throws IOException {
        Path file = root.resolve(name + ".yaml");
        Files.writeString(file, yaml(root.resolve("never-" + name), layers));
        return CliRunner.run("distill", "--config", file.toString(), "--no-progress");
    }
}
