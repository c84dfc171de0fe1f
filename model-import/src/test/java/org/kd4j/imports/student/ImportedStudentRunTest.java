package org.kd4j.imports.student;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.distill.DistillationRun;
import org.kd4j.distill.train.Progress;
import org.kd4j.imports.testing.Fixtures;
import org.kd4j.model.ModelType;
import org.kd4j.model.TextClassifier;
import org.kd4j.run.RunDirectory;

/** A preset with {@code student.init}: the distillation run trains the imported encoder as its student. */
class ImportedStudentRunTest {

    private static final Logger LOG = LogManager.getLogger(ImportedStudentRunTest.class);
    private static final Path TOKENIZER = Fixtures.resource("fixtures/tribuo-tinybert/tinybert-tokenizer.json");

    @TempDir Path root;

    /** Words the Tribuo tiny BERT's 1,656-entry vocabulary has. */
    static void writeSst2(Path dir, String split, int n, long seed) throws IOException {
        org.kd4j.testing.SyntheticSst2.write(dir, split, n, seed,
                new String[] {"the", "story", "was", "a", "and", "it", "really", "these", "together", "its"},
                new String[][] {{"poor", "none", "fall"}, {"great", "good", "love"}});
    }

    private Path preset(String vocab, String runName) throws IOException {
        Path data = root.resolve("data");
        if (!Files.exists(data)) {
            writeSst2(data, "train", 240, 1);
            writeSst2(data, "dev", 64, 2);
        }
        Path yaml = root.resolve(runName + ".yaml");
        Files.writeString(yaml, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16}
                tokenizer: {vocab: %s}
                teachers:
                  - name: cnn
                    model: {type: cnn, hidden: 16, ffn: 16}
                    train: {epochs: 5, learning_rate: 0.01}
                student:
                  init: %s
                  train: {epochs: 3, learning_rate: 0.01, seed: 3}
                distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5}
                run: {dir: %s, cache_dir: %s, students: [ensemble]}
                """.formatted(data, vocab, EncoderStudentTest.TINYBERT, root.resolve(runName), root.resolve("cache")));
        return yaml;
    }

    @Test
    void distillsIntoTheImportedEncoder() throws IOException {
        ExperimentConfig config = ConfigLoader.load(preset(TOKENIZER.toString(), "run"), List.of());
        assertTrue(config.student().imported());
        DistillationRun.Result result = new DistillationRun(config, "test", false, Progress.off()).run();
        LOG.info("{}", result.rows());
        var student = result.rows().get(result.rows().size() - 1);
        assertTrue(student.name().contains("ensemble"), student.name());
        assertTrue(student.dev().main() >= 0.75, "imported student dev " + student.dev());

        // a BERT layout: the student runs on kd4j's own transformer, its file holds every weight
        TextClassifier saved = TextClassifier.load(new RunDirectory(root.resolve("run")).file(RunDirectory.MODEL));
        assertEquals(ModelType.TRANSFORMER, saved.config().type());
        assertTrue(saved.source().isEmpty());
    }

    @Test
    void aTokenizerThatIsNotTheEncodersIsRejectedBeforeTheRunStarts() throws IOException {
        ExperimentConfig config = ConfigLoader.load(preset("bert-base-uncased", "wrong"), List.of());
        KdException e = assertThrows(KdException.class, () -> new DistillationRun(config, "test", false, Progress.off()).run());
        assertTrue(e.getMessage().contains("student.init") && e.getMessage().contains("1656 rows")
                && e.getMessage().contains("bert-base-uncased"), e.getMessage());
        assertFalse(Files.exists(root.resolve("wrong")));
    }
}
