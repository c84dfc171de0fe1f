package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.cli.CliRunner;
import org.kd4j.model.ModelType;
import org.kd4j.model.TextClassifier;

/**
 * A teacher fine-tuned from a pretrained encoder ({@code init:}): the export (the real PyTorch export of Tribuo's tiny
 * BERT) runs on kd4j's own transformer with a fresh head, is fine-tuned, cached as a native model, and feeds the
 * ensemble; a second run takes it from the cache; the student can start from the same encoder.
 */
class PretrainedTeacherRunTest {

    private static final Path ONNX = Path.of("model-import/src/test/resources/fixtures/tribuo-tinybert/tinybert.onnx");
    private static final Path TOKENIZER = Path.of("model-import/src/test/resources/fixtures/tribuo-tinybert/tinybert-tokenizer.json");

    @Test
    void fineTunedEncoderTeachesAndIsCached(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 96, 1);
        DistillationRunTest.writeSst2(data, "dev", 32, 2);
        Path config = root.resolve("pretrained.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                tokenizer: {vocab: %s}
                teachers:
                  - name: tiny-bert
                    init: %s
                    vocab: %s
                    pooling: mean
                    train: {epochs: 2, learning_rate: 0.001}
                student:
                  init: %s
                  train: {epochs: 1, learning_rate: 0.001}
                distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, TOKENIZER, ONNX, TOKENIZER, ONNX, root.resolve("run"), root.resolve("cache")));
        CliRunner r = CliRunner.run("distill", "--config", config.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("| teacher tiny-bert (transformer)"), r.out());
        Path cached;
        try (Stream<Path> files = Files.list(root.resolve("cache/teachers"))) {
            cached = files.filter(f -> f.toString().endsWith(".kdm")).findFirst().orElseThrow();
        }
        TextClassifier teacher = TextClassifier.load(cached);
        assertEquals(ModelType.TRANSFORMER, teacher.config().type());
        assertEquals(org.kd4j.model.Pooling.MEAN, teacher.config().flat().pooling());
        assertEquals(org.kd4j.model.Activation.GELU, teacher.config().flat().activation());
        // the student started from the same encoder, natively
        TextClassifier student = TextClassifier.load(root.resolve("run/model.kdm"));
        assertEquals(ModelType.TRANSFORMER, student.config().type());
        long stamp = Files.getLastModifiedTime(cached).toMillis();
        CliRunner again = CliRunner.run("distill", "--config", config.toString());
        assertEquals(0, again.exitCode(), again.err());

        assertEquals(stamp, Files.getLastModifiedTime(cached).toMillis());
    }

    @Test
    void aTokenizerThatDoesNotFitTheEncoderIsRefused(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 40, 1);
        DistillationRunTest.writeSst2(data, "dev", 20, 2);
        Path config = root.resolve("bad.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                teachers:
                  - name: tiny-bert
                    init: %s
                    vocab: bert-base-uncased
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                  train: {epochs: 1}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, ONNX, root.resolve("run"), root.resolve("cache")));
        CliRunner r = CliRunner.run("distill", "--config", config.toString());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("teachers[tiny-bert].init") && r.err().contains("30522 tokens"), r.err());
    }

    @Test
    void moreInitLayersThanTheEncoderHasAreRefused(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 40, 1);
        DistillationRunTest.writeSst2(data, "dev", 20, 2);
        Path config = root.resolve("layers.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                tokenizer: {vocab: %s}
                teachers: []
                student:
                  init: %s
                  init_layers: 2
                  train: {epochs: 1}
                run: {dir: %s, cache_dir: %s, students: [cross_entropy]}
                """.formatted(data, TOKENIZER, ONNX, root.resolve("run"), root.resolve("cache")));
        CliRunner r = CliRunner.run("distill", "--config", config.toString());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("student.init: init_layers 2 exceeds the 1 layers of " + ONNX), r.err());
        assertTrue(!Files.exists(root.resolve("run")), "refused before the run directory is written");
    }

    @Test
    void aMissingMavenArtifactSaysHowToFetchIt(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 40, 1);
        DistillationRunTest.writeSst2(data, "dev", 20, 2);
        Path config = root.resolve("missing.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                teachers:
                  - name: nowhere
                    init: maven:org.kd4j.test:no-such-encoder:0.0.1
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                  train: {epochs: 1}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, root.resolve("run"), root.resolve("cache")));
        CliRunner r = CliRunner.run("distill", "--config", config.toString());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("teachers[nowhere].init") && r.err().contains("mvn dependency:get"), r.err());
    }
}
