package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.cli.CliRunner;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.TeacherTraining;

/**
 * Bad input to {@code teacher_stage.training: cofinetuned} is one clear line before any training, with nothing written to
 * the run directory or the teacher cache: a single teacher, an imported teacher, a CNN teacher, unequal train sections,
 * teachers of different hidden sizes. The option defaults to separate and is read from YAML and {@code --set}.
 */
class CoFinetuningConfigTest {

    @TempDir static Path root;
    static Path data;

    @BeforeAll
    static void data() throws Exception {
        data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 40, 1);
        DistillationRunTest.writeSst2(data, "dev", 16, 2);
    }

    private static final String TINY = "{type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32}";

    private static CliRunner refused(Path dir, String teachers) throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                teacher_stage: {training: cofinetuned}
                teachers:
                %s
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                  train: {epochs: 1}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, teachers.indent(2).stripTrailing(), dir.resolve("run"), dir.resolve("cache")));
        CliRunner r = CliRunner.run("distill", "--config", config.toString(), "--no-progress");
        assertFalse(Files.exists(dir.resolve("run")), "refused before the run directory is written");
        assertFalse(Files.exists(dir.resolve("cache/teachers")), "no teacher was trained");
        assertEquals(1, r.err().strip().lines().filter(l -> l.contains("teacher")).count(), "one line: " + r.err());
        return r;
    }

    @Test
    void aSingleTeacherIsRefused(@TempDir Path dir) throws Exception {
        CliRunner r = refused(dir, """
                - name: alone
                  model: %s
                """.formatted(TINY));
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("teacher_stage.training") && r.err().contains("at least two teachers")
                && r.err().contains("found 1 (alone)"), r.err());
    }

    @Test
    void anImportedTeacherIsRefused(@TempDir Path dir) throws Exception {
        CliRunner r = refused(dir, """
                - name: mine
                  model: %s
                - name: theirs
                  imported: elsewhere/model.onnx
                  vocab: bert-base-uncased
                """.formatted(TINY));
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("teachers[theirs] imported already fine-tuned (imported: elsewhere/model.onnx)"), r.err());
    }

    @Test
    void aCnnTeacherIsRefused(@TempDir Path dir) throws Exception {
        CliRunner r = refused(dir, """
                - name: mine
                  model: %s
                - name: conv
                  model: {type: cnn, hidden: 16, ffn: 16}
                """.formatted(TINY));
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("teachers[conv] of type cnn"), r.err());
    }

    @Test
    void unequalTrainSectionsAreRefused(@TempDir Path dir) throws Exception {
        CliRunner r = refused(dir, """
                - name: one
                  model: %s
                  train: {epochs: 1}
                - name: two
                  model: %s
                  train: {epochs: 2}
                """.formatted(TINY, TINY));
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("equal train sections") && r.err().contains("teachers[two].train epochs: 2")
                && r.err().contains("teachers[one].train epochs: 1"), r.err());
    }

    @Test
    void teachersOfDifferentHiddenSizesAreRefusedBeforeTraining(@TempDir Path dir) throws Exception {
        CliRunner r = refused(dir, """
                - name: narrow
                  model: %s
                - name: wide
                  model: {type: transformer, layers: 1, hidden: 32, heads: 2, ffn: 32, max_positions: 32}
                """.formatted(TINY));
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("teachers narrow and wide cannot share classifier_w")
                && r.err().contains("hidden size 16 in narrow, 32 in wide"), r.err());
    }

    @Test
    void theOptionDefaultsToSeparateAndIsReadFromYamlAndSet(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s}
                teachers:
                  - name: one
                    model: %s
                  - name: two
                    model: %s
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, TINY, TINY, dir.resolve("run"), dir.resolve("cache")));
        ExperimentConfig plain = ConfigLoader.load(config, List.of());
        assertEquals(TeacherTraining.SEPARATE, plain.teacherStage().training());
        ExperimentConfig set = ConfigLoader.load(config, List.of("teacher_stage.training=cofinetuned"));
        assertEquals(TeacherTraining.COFINETUNED, set.teacherStage().training());
        assertTrue(ConfigLoader.toYaml(set).contains("teacher_stage:\n  training: cofinetuned"), ConfigLoader.toYaml(set));
        assertEquals(set, ConfigLoader.load(List.of(ConfigLoader.toYaml(set)).stream()
                .map(y -> {
                    try {
                        return (com.fasterxml.jackson.databind.JsonNode) new com.fasterxml.jackson.databind.ObjectMapper(
                                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(y);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList(), "round trip", List.of()), "the written config reads back to the same");
    }
}
