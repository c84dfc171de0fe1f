package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.cli.CliRunner;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.TeacherConfig;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.distill.cache.TeacherKey;
import org.kd4j.distill.train.CoFinetuner;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code teacher_stage.training: cofinetuned} end to end through the CLI's {@code distill}, at tiny scale: two
 * transformer teachers with different tokenizers are fine-tuned together under one shared head (pooler and classifier),
 * each is cached as an ordinary teacher carrying the same head, its provenance names its partner, a second run takes
 * both from the cache, and the same teachers trained apart keep the cache keys they always had.
 */
class CoFinetuningRunTest {

    @TempDir static Path root;
    static Path config;
    static Path data;
    static CliRunner first;

    static String yaml(Path data, Path run, Path cache, String training) {
        return """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                teacher_stage: {training: %s}
                teachers:
                  - name: small-a
                    model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32, pooling: cls}
                    train: {epochs: 2, learning_rate: 0.005, seed: 3}
                  - name: small-b
                    model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32, pooling: cls}
                    train: {epochs: 2, learning_rate: 0.005, seed: 3}
                    vocab: bert-base-cased
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                  train: {epochs: 1, learning_rate: 0.01}
                distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, training, run, cache);
    }

    @BeforeAll
    static void runOnce() throws IOException {
        data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 160, 1);
        DistillationRunTest.writeSst2(data, "dev", 48, 2);
        config = root.resolve("cofinetune.yaml");
        Files.writeString(config, yaml(data, root.resolve("run"), root.resolve("cache"), "cofinetuned"));
        first = CliRunner.run("distill", "--config", config.toString(), "--no-progress");
    }

    private static List<Path> teacherFiles() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("cache/teachers"))) {
            return files.filter(f -> f.toString().endsWith(".kdm")).sorted().toList();
        }
    }

    @Test
    void coFinetunedTeachersRunEndToEndAndShareTheirHead() throws IOException {
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("| teacher small-a (transformer)"), first.out());
        assertTrue(first.out().contains("| teacher small-b (transformer)"), first.out());
        assertTrue(first.out().contains("| student, distilled from ensemble"), first.out());
        List<Path> files = teacherFiles();
        assertEquals(2, files.size(), files.toString());
        TextClassifier a = TextClassifier.load(files.get(0));
        TextClassifier b = TextClassifier.load(files.get(1));
        List<String> shared = CoFinetuner.sharedParameters(a);
        assertEquals(List.of("classifier_b", "classifier_w", "pooler_b", "pooler_w"), shared);
        Map<String, INDArray> pa = a.parameters();
        Map<String, INDArray> pb = b.parameters();
        for (String name : shared) {
            assertEquals(pa.get(name), pb.get(name), name + " is one layer shared by both teachers");
        }
        // the shared head was trained (it is not the fresh head any more) and the encoders are each their own
        TextClassifier fresh = TextClassifier.create(a.config(), (int) pa.get("emb_tokens").size(0), 2, 3);
        assertNotEquals(fresh.parameters().get("classifier_w"), pa.get("classifier_w"));
        assertNotEquals(pa.get("emb_tokens").shape()[0], pb.get("emb_tokens").shape()[0], "each teacher has its own vocabulary");
        assertNotEquals(pa.get("l0_q_w"), pb.get("l0_q_w"));

        for (Path f : files) {
            TeacherProvenance p = TeacherProvenance.read(f).orElseThrow();
            assertEquals("cofinetuned", p.training());
            assertEquals(List.of(p.name().equals("small-a") ? "small-b" : "small-a"), p.cofinetunedWith());
            assertTrue(p.trainSeconds() > 0);
        }
        // the co-finetuning's work folder (its epoch checkpoints) is deleted once the teachers are saved
        try (Stream<Path> left = Files.list(root.resolve("cache/teachers"))) {
            List<Path> work = left.filter(f -> f.getFileName().toString().endsWith(".work")).toList();
            assertEquals(List.of(), work, "work folders left after a finished co-finetuning");
        }
    }

    @Test
    void aSecondRunTakesBothCoFinetunedTeachersFromTheCache() throws IOException {
        assertEquals(0, first.exitCode(), first.err());
        List<Path> files = teacherFiles();
        long stamp = Files.getLastModifiedTime(files.get(0)).toMillis();
        CliRunner again = CliRunner.run("distill", "--config", config.toString(), "--no-progress",
                "--set", "run.dir=" + root.resolve("run-again"));
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(files, teacherFiles());
        assertEquals(stamp, Files.getLastModifiedTime(files.get(0)).toMillis());
    }

    @Test
    void teachersTrainedApartKeepTheirCacheKeys(@TempDir Path other) throws IOException {
        Path yaml = other.resolve("separate.yaml");
        Files.writeString(yaml, yaml(data, other.resolve("run"), other.resolve("cache"), "separate"));
        ExperimentConfig separate = ConfigLoader.load(yaml, List.of());
        TaskData task = new TaskData(separate.task(), separate.data());
        Set<Path> expected = new TreeSet<>();
        for (TeacherConfig t : separate.teachers()) {
            String teacherYaml = ConfigLoader.toYaml(t);
            assertFalse(teacherYaml.contains("teacher_stage") || teacherYaml.contains("cofinetun"), teacherYaml);
            BertTokenizer tokenizer = BertTokenizer.load(t.vocab().isEmpty() ? separate.tokenizer().vocab() : t.vocab());
            // the key kd4j has always built for a teacher trained on its own: its own config, nothing of the others
            TeacherKey key = new TeacherKey(t.name(), teacherYaml, "", "SST-2", task.trainFile(), task.trainVariant(),
                    tokenizer.fingerprint(), 24, 16, true);
            expected.add(key.files(other.resolve("cache/teachers"), key.hash()).model());
        }
        CliRunner r = CliRunner.run("distill", "--config", yaml.toString(), "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        Set<Path> found = new TreeSet<>();
        try (Stream<Path> files = Files.list(other.resolve("cache/teachers"))) {
            files.filter(f -> f.toString().endsWith(".kdm")).forEach(found::add);
        }
        assertEquals(expected, found);
        for (Path f : found) {
            TeacherProvenance p = TeacherProvenance.read(f).orElseThrow();
            assertEquals("separate", p.training());
            assertEquals(List.of(), p.cofinetunedWith());
        }
        // and the co-finetuned teachers of the same configs have other names: neither cache serves the other
        assertEquals(0, first.exitCode(), first.err());
        for (Path f : teacherFiles()) {
            assertFalse(found.stream().anyMatch(s -> s.getFileName().equals(f.getFileName())), f.toString());
        }
    }
}
