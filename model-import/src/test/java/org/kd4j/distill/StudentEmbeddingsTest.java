package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;
import org.kd4j.cli.CliRunner;
import org.kd4j.config.EmbeddingsFrom;
import org.kd4j.imports.fixtures.FixtureInputs;
import org.kd4j.imports.fixtures.OrtReference;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.model.EncoderSource;
import org.kd4j.imports.encoder.NativeEncoders;
import org.kd4j.model.EmbeddingLayer;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A native student whose embeddings start as the principal-component projection of a pretrained encoder's (the real
 * PyTorch export of Tribuo's tiny BERT: hidden 50, vocabulary 1,656), and a run that also distils on unlabeled
 * training rows.
 */
class StudentEmbeddingsTest {

    private static final Path ONNX = Path.of("model-import/src/test/resources/fixtures/tribuo-tinybert/tinybert.onnx");
    private static final Path TOKENIZER = Path.of("model-import/src/test/resources/fixtures/tribuo-tinybert/tinybert-tokenizer.json");

    private static EncoderSource.Files files(Path cache) {
        return EncoderSource.parse("student.embeddings", ONNX.toString()).resolve("student.embeddings", cache);
    }

    @Test
    void theWordTableIsTheCentredTableOnItsTopPrincipalDirections(@TempDir Path cache) throws Exception {
        BertTokenizer tokenizer = BertTokenizer.load(TOKENIZER.toString());
        int width = 8;
        TextClassifier student = TextClassifier.create(ModelConfig.of(ModelType.TRANSFORMER, 1, width, 2, 16, 64, Pooling.MEAN),
                tokenizer.vocabSize(), 2, 3);
        StudentEmbeddings.Projection p = StudentEmbeddings.initialise("student.embeddings", student, files(cache), tokenizer,
                TOKENIZER.toString());
        assertEquals(50, p.encoderWidth());
        assertEquals(width, p.studentWidth());

        double[][] y = student.embeddings().parameters().get(EmbeddingLayer.TOKENS).castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] e = NativeEncoders.read(ONNX).weights().get(EmbeddingLayer.TOKENS).castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] colVariance = new double[width];
        for (int a = 0; a < width; a++) {
            for (int b = 0; b < width; b++) {
                double dot = 0;
                for (double[] row : y) {
                    dot += row[a] * row[b];
                }
                dot /= y.length;
                if (a == b) {
                    colVariance[a] = dot;
                } else {
                    // principal components are uncorrelated
                    assertEquals(0, dot, 1e-5, "columns " + a + " and " + b);
                }
            }
        }
        for (int a = 1; a < width; a++) {
            assertTrue(colVariance[a] <= colVariance[a - 1] + 1e-9, "variances in descending order: " + java.util.Arrays.toString(colVariance));
        }
        // the kept variance is the columns' variance over the whole centred table's
        double total = 0;
        double[] mean = new double[e[0].length];
        for (double[] row : e) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += row[j] / e.length;
            }
        }
        for (double[] row : e) {
            for (int j = 0; j < mean.length; j++) {
                total += (row[j] - mean[j]) * (row[j] - mean[j]) / e.length;
            }
        }
        assertEquals(java.util.Arrays.stream(colVariance).sum() / total, p.varianceKept(), 1e-4);
        assertTrue(p.varianceKept() > (double) width / 50, "the top directions keep more than their share: " + p.varianceKept());
        // the student's position table was replaced too (its 64 rows from the encoder's 100)
        INDArray positions = student.embeddings().parameters().get(EmbeddingLayer.POSITIONS);
        INDArray random = TextClassifier.create(ModelConfig.of(ModelType.TRANSFORMER, 1, width, 2, 16, 64, Pooling.MEAN),
                tokenizer.vocabSize(), 2, 3).embeddings().parameters().get(EmbeddingLayer.POSITIONS);
        assertEquals(64, positions.size(0));
        assertTrue(positions.sub(random).norm2Number().doubleValue() > 0.1 * random.norm2Number().doubleValue());
    }

    @Test
    void aFullWidthProjectionKeepsEveryDistance(@TempDir Path cache) {
        BertTokenizer tokenizer = BertTokenizer.load(TOKENIZER.toString());
        TextClassifier student = TextClassifier.create(ModelConfig.of(ModelType.TRANSFORMER, 1, 50, 2, 16, 64, Pooling.MEAN),
                tokenizer.vocabSize(), 2, 3);
        StudentEmbeddings.Projection p = StudentEmbeddings.initialise("student.embeddings", student, files(cache), tokenizer,
                TOKENIZER.toString());
        assertEquals(1.0, p.varianceKept(), 1e-6);
        INDArray y = student.embeddings().parameters().get(EmbeddingLayer.TOKENS);
        INDArray e = NativeEncoders.read(ONNX).weights().get(EmbeddingLayer.TOKENS);
        for (int[] pair : new int[][] {{5, 900}, {100, 101}, {1200, 7}}) {
            double original = e.getRow(pair[0]).sub(e.getRow(pair[1])).norm2Number().doubleValue();
            double projected = y.getRow(pair[0]).sub(y.getRow(pair[1])).norm2Number().doubleValue();
            assertEquals(original, projected, 1e-4 * original, "distance between tokens " + pair[0] + " and " + pair[1]);
        }
        // positions are rotated by the same basis (not centred): their norms are kept
        INDArray yp = student.embeddings().parameters().get(EmbeddingLayer.POSITIONS);
        INDArray ep = NativeEncoders.read(ONNX).weights().get(EmbeddingLayer.POSITIONS);
        for (int row : new int[] {0, 17, 63}) {
            double original = ep.getRow(row).norm2Number().doubleValue();
            assertEquals(original, yp.getRow(row).norm2Number().doubleValue(), 1e-4 * original, "position " + row);
        }
    }

    /**
     * {@code embeddings_from: encoded}: row t of the table is the mean over {@code [CLS] t [SEP]} of the encoder's last
     * states, checked against ONNX Runtime running the same export.
     */
    @Test
    void theEncodedTableIsTheEncodersMeanOutputForEachTokenAlone(@TempDir Path cache) throws Exception {
        BertTokenizer tokenizer = BertTokenizer.load(TOKENIZER.toString());
        float[][] table = StudentEmbeddings.encodedTable("student.embeddings", files(cache), tokenizer, TOKENIZER.toString());
        assertEquals(tokenizer.vocabSize(), table.length);
        assertEquals(50, table[0].length);
        int[] tokens = {5, 100, 900, 1200, tokenizer.vocabSize() - 1};
        long[] ids = new long[3 * tokens.length];
        long[] mask = new long[ids.length];
        for (int r = 0; r < tokens.length; r++) {
            ids[3 * r] = tokenizer.clsId();
            ids[3 * r + 1] = tokens[r];
            ids[3 * r + 2] = tokenizer.sepId();
        }
        java.util.Arrays.fill(mask, 1);
        try (OrtReference ort = new OrtReference(Files.readAllBytes(ONNX))) {
            // the export's outputs in graph order: the last layer's states first, then the pooler's
            OrtReference.Output states = ort.run(new FixtureInputs(tokens.length, 3, ids, mask, new long[ids.length]))
                    .values().iterator().next();
            assertEquals(java.util.List.of(5L, 3L, 50L), java.util.Arrays.stream(states.shape()).boxed().toList());
            for (int r = 0; r < tokens.length; r++) {
                for (int j = 0; j < 50; j++) {
                    double mean = 0;
                    for (int i = 0; i < 3; i++) {
                        mean += states.data()[(r * 3 + i) * 50 + j] / 3.0;
                    }
                    assertEquals(mean, table[tokens[r]][j], 1e-4, "token " + tokens[r] + ", dimension " + j);
                }
            }
        }
        // the encoder's output is not its word table
        double[] word = NativeEncoders.read(ONNX).weights().get(EmbeddingLayer.TOKENS).getRow(900).castTo(DataType.DOUBLE).toDoubleVector();
        double gap = 0;
        for (int j = 0; j < 50; j++) {
            gap += Math.abs(word[j] - table[900][j]);
        }
        assertTrue(gap > 0.1, "encoded row 900 differs from the word table's: " + gap);
    }

    @Test
    void anEncodedFullWidthProjectionKeepsItsDistancesAndLeavesPositionsAlone(@TempDir Path cache) {
        BertTokenizer tokenizer = BertTokenizer.load(TOKENIZER.toString());
        ModelConfig shape = ModelConfig.of(ModelType.TRANSFORMER, 1, 50, 2, 16, 64, Pooling.MEAN);
        TextClassifier student = TextClassifier.create(shape, tokenizer.vocabSize(), 2, 3);
        StudentEmbeddings.Projection p = StudentEmbeddings.initialise("student.embeddings", student, files(cache), tokenizer,
                TOKENIZER.toString(), EmbeddingsFrom.ENCODED);
        assertEquals(EmbeddingsFrom.ENCODED, p.from());
        assertEquals(1.0, p.varianceKept(), 1e-6);
        float[][] encoded = StudentEmbeddings.encodedTable("student.embeddings", files(cache), tokenizer, TOKENIZER.toString());
        INDArray y = student.embeddings().parameters().get(EmbeddingLayer.TOKENS);
        for (int[] pair : new int[][] {{5, 900}, {100, 101}, {1200, 7}}) {
            double original = 0;
            for (int j = 0; j < 50; j++) {
                double d = encoded[pair[0]][j] - encoded[pair[1]][j];
                original += d * d;
            }
            original = Math.sqrt(original);
            double projected = y.getRow(pair[0]).sub(y.getRow(pair[1])).norm2Number().doubleValue();
            assertEquals(original, projected, 1e-4 * original, "distance between tokens " + pair[0] + " and " + pair[1]);
        }
        // positions keep the student's own initialisation (the same seed gives the same random table)
        INDArray fresh = TextClassifier.create(shape, tokenizer.vocabSize(), 2, 3).embeddings().parameters().get(EmbeddingLayer.POSITIONS);
        assertEquals(fresh, student.embeddings().parameters().get(EmbeddingLayer.POSITIONS));
    }

    @Test
    void aStudentWiderThanTheEncoderOrOnAnotherVocabularyIsRefused(@TempDir Path cache) {
        BertTokenizer tokenizer = BertTokenizer.load(TOKENIZER.toString());
        TextClassifier wide = TextClassifier.create(ModelConfig.of(ModelType.CNN, 1, 64, 1, 8, 64, Pooling.MEAN),
                tokenizer.vocabSize(), 2, 3);
        KdException tooWide = assertThrows(KdException.class, () -> StudentEmbeddings.initialise("student.embeddings", wide,
                files(cache), tokenizer, TOKENIZER.toString()));
        assertTrue(tooWide.getMessage().contains("64 wide") && tooWide.getMessage().contains("50"), tooWide.getMessage());

        BertTokenizer other = BertTokenizer.load("bert-base-uncased");
        TextClassifier student = TextClassifier.create(ModelConfig.of(ModelType.CNN, 1, 16, 1, 8, 64, Pooling.MEAN),
                other.vocabSize(), 2, 3);
        KdException vocab = assertThrows(KdException.class, () -> StudentEmbeddings.initialise("student.embeddings", student,
                files(cache), other, "bert-base-uncased"));
        assertTrue(vocab.getMessage().contains("1656 rows") && vocab.getMessage().contains("30522"), vocab.getMessage());
    }

    @Test
    void aRunDistilsOnUnlabeledRowsWithProjectedEmbeddings(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 120, 1);
        DistillationRunTest.writeSst2(data, "dev", 24, 2);
        Path config = root.resolve("run.yaml");
        Files.writeString(config, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 40, unlabeled_train: 60}
                tokenizer: {vocab: %s}
                teachers:
                  - name: tiny-bert
                    init: %s
                    vocab: %s
                    pooling: mean
                    train: {epochs: 1, learning_rate: 0.001}
                student:
                  embeddings: %s
                  model: {type: bilstm, hidden: 16, ffn: 16}
                  train: {epochs: 1, learning_rate: 0.003}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, TOKENIZER, ONNX, TOKENIZER, ONNX, root.resolve("run"), root.resolve("cache")));
        CliRunner r = CliRunner.run("distill", "--config", config.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("60 further training rows without their labels"), r.out());
        assertTrue(r.out().contains("faster than the ensemble"), r.out());
        String provenance = Files.readString(root.resolve("run/provenance.json"));
        assertTrue(provenance.contains("\"student_embeddings\"") && provenance.contains("\"to_width\" : 16")
                && provenance.contains("\"from\" : \"word_table\"")
                && provenance.contains("variance_kept"), provenance);
        assertTrue(provenance.contains("unlabeled:limit=40:seed=42:n=60"), provenance);
        // the teacher's provenance sits next to its cached model, and a second run reports its training time from it
        try (var files = Files.list(root.resolve("cache/teachers"))) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".json")));
        }
        CliRunner again = CliRunner.run("distill", "--config", config.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("(cached)"), again.out());

        Path tooMany = root.resolve("too-many.yaml");
        Files.writeString(tooMany, Files.readString(config).replace("unlabeled_train: 60", "unlabeled_train: 81"));
        CliRunner bad = CliRunner.run("distill", "--config", tooMany.toString());
        assertEquals(1, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("data.unlabeled_train 81") && bad.err().contains("at most 80"), bad.err());
    }
}
