package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.cli.CliRunner;
import org.kd4j.distill.train.CoFinetuner;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Co-finetuning with a teacher fine-tuned from an encoder ({@code init:}, the real PyTorch export of Tribuo's tiny BERT,
 * hidden 50, with its pooler) and a transformer trained here on another tokenizer: through {@code distill}, both end as
 * cached teachers with the same pooler and classifier; an encoder whose hidden size differs from its partner's is
 * refused, naming both and their sizes, before any training and before the run directory is written.
 */
class CoFinetunedEncoderTeachersTest {

    private static final Path ONNX = Path.of("model-import/src/test/resources/fixtures/tribuo-tinybert/tinybert.onnx");
    private static final Path TOKENIZER = Path.of("model-import/src/test/resources/fixtures/tribuo-tinybert/tinybert-tokenizer.json");

    private static Path config(Path root, int partnerHidden) throws Exception {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 64, 1);
        DistillationRunTest.writeSst2(data, "dev", 24, 2);
        Path config = root.resolve("cofinetune.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                tokenizer: {vocab: %s}
                teacher_stage: {training: cofinetuned}
                teachers:
                  - name: tiny-bert
                    init: %s
                    vocab: %s
                    pooling: cls
                    train: {epochs: 1, learning_rate: 0.001}
                  - name: scratch
                    model: {type: transformer, layers: 1, hidden: %d, heads: 2, ffn: 32, max_positions: 32, pooling: cls}
                    vocab: bert-base-uncased
                    train: {epochs: 1, learning_rate: 0.001}
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                  train: {epochs: 1, learning_rate: 0.01}
                distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, TOKENIZER, ONNX, TOKENIZER, partnerHidden, root.resolve("run"), root.resolve("cache")));
        return config;
    }

    @Test
    void anEncoderTeacherIsCoFinetunedWithAPartnerOnAnotherTokenizer(@TempDir Path root) throws Exception {
        CliRunner r = CliRunner.run("distill", "--config", config(root, 50).toString(), "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("| teacher tiny-bert (transformer)") && r.out().contains("| teacher scratch (transformer)"),
                r.out());
        List<Path> files;
        try (Stream<Path> s = Files.list(root.resolve("cache/teachers"))) {
            files = s.filter(f -> f.toString().endsWith(".kdm")).sorted().toList();
        }
        assertEquals(2, files.size(), files.toString());
        TextClassifier a = TextClassifier.load(files.get(0));
        TextClassifier b = TextClassifier.load(files.get(1));
        Map<String, INDArray> pa = a.parameters();
        Map<String, INDArray> pb = b.parameters();
        assertEquals(List.of("classifier_b", "classifier_w", "pooler_b", "pooler_w"), CoFinetuner.sharedParameters(a));
        for (String name : CoFinetuner.sharedParameters(a)) {
            assertEquals(pa.get(name), pb.get(name), name);
        }
        TeacherProvenance tiny = TeacherProvenance.read(files.get(1).getFileName().toString().startsWith("tiny-bert")
                ? files.get(1) : files.get(0)).orElseThrow();
        assertEquals("cofinetuned", tiny.training());
        assertEquals(List.of("scratch"), tiny.cofinetunedWith());
        assertFalse(tiny.encoderSha256().isEmpty());
    }

    @Test
    void anEncoderOfAnotherHiddenSizeIsRefusedBeforeTraining(@TempDir Path root) throws Exception {
        CliRunner r = CliRunner.run("distill", "--config", config(root, 16).toString(), "--no-progress");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("teachers tiny-bert and scratch cannot share") && r.err().contains("hidden size 50 in tiny-bert, 16 in scratch"),
                r.err());
        assertFalse(Files.exists(root.resolve("run")), "refused before the run directory is written");
        assertFalse(Files.exists(root.resolve("cache/teachers")), "no teacher was trained");
    }
}
