package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.cli.CliRunner;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.onnx.OnnxImporter;

/**
 * A teacher imported from ONNX takes part in a distillation run next to a trained one: a BERT-layout classifier is
 * converted once into a native model in the cache (checked against ONNX Runtime), scored with its own tokenizer,
 * listed in the table, and reused from the cache by a second run; a layout kd4j's transformer does not hold takes the
 * generic imported graph.
 */
class ImportedTeacherRunTest {

    private static final Path ONNX = Path.of("model-import/examples/random-bert-sst2/model.onnx");
    private static final Path TOKENIZER = Path.of("model-import/examples/random-bert-sst2/tokenizer.json");

    @Test
    void importedTeacherFeedsTheEnsemble(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 120, 1);
        DistillationRunTest.writeSst2(data, "dev", 40, 2);
        Path config = root.resolve("imported.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                teachers:
                  - name: cnn
                    model: {type: cnn, hidden: 16, ffn: 16}
                    train: {epochs: 2, learning_rate: 0.01}
                  - name: onnx-bert
                    imported: %s
                    vocab: %s
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                  train: {epochs: 1, learning_rate: 0.01}
                distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5, weighting: teacher_loss}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, ONNX, TOKENIZER, root.resolve("run"), root.resolve("cache")));
        CliRunner r = CliRunner.run("distill", "--config", config.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("| teacher onnx-bert (imported)"), r.out());
        assertTrue(r.out().contains("ensemble of 2 teachers (teacher_loss)"), r.out());
        Path imported;
        try (Stream<Path> files = Files.list(root.resolve("cache/imported"))) {
            imported = files.filter(f -> f.toString().endsWith(".kdm")).findFirst().orElseThrow();
        }
        assertEquals(2, org.kd4j.model.TextClassifier.load(imported).outputs());
        assertEquals(org.kd4j.model.ModelType.TRANSFORMER, org.kd4j.model.TextClassifier.load(imported).config().type());
        long stamp = Files.getLastModifiedTime(imported).toMillis();
        CliRunner again = CliRunner.run("distill", "--config", config.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(stamp, Files.getLastModifiedTime(imported).toMillis(), "second run reuses the imported teacher");
    }

    /**
     * A DistilBERT sequence classifier (the real torch.onnx export of the fixtures) is a native teacher both ways: as
     * it is ({@code imported:}, converted once into a native .kdm with its ReLU pre-classifier) and fine-tuned from it
     * ({@code init:}, its own head kept, as SST-2 has its two labels); so is an ELECTRA-small-shaped classifier
     * fine-tuned through its embedding projection and its dense + GELU head. With {@code run.teacher_runtime:
     * onnx_runtime} the three score on ONNX Runtime from their in-memory exports, which must first agree with kd4j's
     * logits (the run stops otherwise).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"kd4j", "onnx_runtime"})
    void distilBertAndElectraClassifiersAreNativeTeachersImportedAndFineTuned(String runtime, @TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 60, 1);
        DistillationRunTest.writeSst2(data, "dev", 20, 2);
        Path onnx = Path.of("model-import/src/test/resources/fixtures/torch-export/distilbert-classifier-opset17.onnx");
        Path electra = Path.of("model-import/src/test/resources/fixtures/torch-export/electra-small-classifier-opset14.onnx");
        Path vocab = writeVocab(root.resolve("vocab.txt"), 120); // [PAD] 0, [CLS] 2, [SEP] 3, as in the export's inputs
        Path config = root.resolve("distilbert.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s, max_length: 16, batch_size: 16, train_limit: 0}
                teachers:
                  - name: distil-as-is
                    imported: %s
                    vocab: %s
                  - name: distil-tuned
                    init: %s
                    vocab: %s
                    train: {epochs: 1, learning_rate: 0.001}
                  - name: electra-tuned
                    init: %s
                    vocab: %s
                    train: {epochs: 1, learning_rate: 0.001}
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                  train: {epochs: 1, learning_rate: 0.01}
                run: {dir: %s, cache_dir: %s, teacher_runtime: %s}
                """.formatted(data, onnx, vocab, onnx, vocab, electra, vocab, root.resolve("run"), root.resolve("cache"), runtime));
        CliRunner r = CliRunner.run("distill", "--config", config.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("| teacher distil-as-is (imported)") && r.out().contains("| teacher distil-tuned")
                && r.out().contains("| teacher electra-tuned"), r.out());
        assertEquals(runtime.equals("onnx_runtime"), r.out().contains("native teachers score (and their eval columns are timed) on"
                + " ONNX Runtime"), r.out());
        Path imported;
        try (Stream<Path> files = Files.list(root.resolve("cache/imported"))) {
            List<Path> all = files.toList();
            assertTrue(all.stream().noneMatch(f -> f.toString().endsWith(".sdz")), "no generic graph: " + all);
            imported = all.stream().filter(f -> f.toString().endsWith(".kdm")).findFirst().orElseThrow(() -> new AssertionError(all.toString()));
        }
        org.kd4j.model.TextClassifier model = org.kd4j.model.TextClassifier.load(imported);
        assertEquals(org.kd4j.model.ModelType.TRANSFORMER, model.config().type());
        assertEquals(org.kd4j.model.Pooling.CLS_RELU, model.config().flat().pooling());
    }

    @Test
    void anUnrecognisedLayoutTakesTheGenericImportedGraph(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 60, 1);
        DistillationRunTest.writeSst2(data, "dev", 20, 2);
        org.kd4j.imports.fixtures.FixtureSpec rob = org.kd4j.imports.fixtures.FixtureSpec.matrix().stream()
                .filter(f -> f.architecture() == org.kd4j.imports.fixtures.Architecture.ROBERTA
                        && f.head() == org.kd4j.imports.fixtures.Head.SEQUENCE_CLASSIFICATION).findFirst().orElseThrow();
        // two labels, as SST-2 has
        org.kd4j.imports.fixtures.FixtureSpec spec = new org.kd4j.imports.fixtures.FixtureSpec(rob.architecture(), rob.head(), rob.opset(),
                rob.layers(), rob.hidden(), rob.heads(), rob.ffn(), rob.vocab(), rob.maxPositions(), rob.typeVocab(), 2, rob.embeddingSize(), rob.seed(),
                rob.maskStyle(), rob.attention());
        Path onnx = root.resolve("roberta.onnx");
        Files.write(onnx, org.kd4j.imports.fixtures.ExporterPatternWriter.bytes(spec));
        Path vocab = writeVocab(root.resolve("vocab.txt"), spec.vocab());
        Path config = root.resolve("roberta.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s, max_length: 16, batch_size: 16, train_limit: 0}
                teachers:
                  - name: rob
                    imported: %s
                    vocab: %s
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                  train: {epochs: 1, learning_rate: 0.01}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, onnx, vocab, root.resolve("run"), root.resolve("cache")));
        CliRunner r = CliRunner.run("distill", "--config", config.toString());
        assertEquals(0, r.exitCode(), r.err());
        try (Stream<Path> files = Files.list(root.resolve("cache/imported"))) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".sdz")), "generic imported graph cached");
        }
    }

    @Test
    void importedTeacherWithTheWrongLabelCountIsRefused(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 40, 1);
        DistillationRunTest.writeSst2(data, "dev", 20, 2);
        // an encoder is not a teacher: import the Tribuo tiny BERT encoder and offer it as one
        Path encoder = root.resolve("encoder.sdz");
        new OnnxImporter().importFile(Path.of("model-import/src/test/resources/fixtures/tribuo-tinybert/tinybert.onnx"),
                OnnxImporter.Options.defaults()).save(encoder);
        Path config = root.resolve("bad.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                teachers:
                  - name: enc
                    imported: %s
                    vocab: %s
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                  train: {epochs: 1}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, encoder, TOKENIZER, root.resolve("run"), root.resolve("cache")));
        CliRunner r = CliRunner.run("distill", "--config", config.toString());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("teachers[enc]") && r.err().contains("is an encoder"), r.err());
    }

    /** A WordPiece vocabulary of {@code size} ids: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, then w5, w6, ... */
    private static Path writeVocab(Path file, int size) throws java.io.IOException {
        StringBuilder words = new StringBuilder("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
        for (int i = 5; i < size; i++) {
            words.append("w").append(i).append('\n');
        }
        Files.writeString(file, words);
        return file;
    }
}
