package org.kd4j.imports.student;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;
import org.kd4j.config.DataConfig;
import org.kd4j.config.TrainConfig;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.batch.PaddingMode;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.distill.train.Trainer;
import org.kd4j.util.Parallelism;
import org.kd4j.imports.testing.Fixtures;
import org.kd4j.model.ModelType;
import org.kd4j.model.TextClassifier;

/** The imported tinybert as a student: fine-tuned by the framework's Trainer on SST-2-like sentences, saved, loaded. */
class StudentFineTuneTest {

    private static final Logger LOG = LogManager.getLogger(StudentFineTuneTest.class);
    private static final BertTokenizer TOKENIZER =
            BertTokenizer.load(Fixtures.resource("fixtures/tribuo-tinybert/tinybert-tokenizer.json").toString());
    // words of the tinybert vocabulary (1656 word pieces)
    private static final String[] FILLER = {"the", "story", "was", "a", "and", "it", "really", "these", "together", "its"};
    private static final String[] POSITIVE = {"great", "good", "love"};
    private static final String[] NEGATIVE = {"poor", "none", "fall"};

    @TempDir Path dir;

    /** Label 1 iff the sentence holds a positive word (SST-2's shape). */
    static EncodedDataset sentences(int n, long seed) {
        List<Example> examples = new ArrayList<>();
        List<org.kd4j.testing.SyntheticSst2.Row> rows = org.kd4j.testing.SyntheticSst2.rows(n, seed, FILLER,
                new String[][] {NEGATIVE, POSITIVE});
        for (int i = 0; i < rows.size(); i++) {
            examples.add(new Example(Integer.toString(i), i + 1, rows.get(i).sentence(), null, rows.get(i).label(), Double.NaN));
        }
        return EncodedDataset.encode(GlueTask.SST2, examples, TOKENIZER, 32);
    }

    static double crossEntropy(TextClassifier model, EncodedDataset data) {
        float[][] logits = model.logits(data, 16, TOKENIZER.padId());
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            double max = Math.max(logits[i][0], logits[i][1]);
            double lse = max + Math.log(Math.exp(logits[i][0] - max) + Math.exp(logits[i][1] - max));
            sum += lse - logits[i][data.labels()[i]];
        }
        return sum / logits.length;
    }

    @Test
    void trainerFineTunesTheImportedStudentAndTheModelFileRoundTrips() {
        EncodedDataset train = sentences(48, 1);
        EncodedDataset dev = sentences(16, 2);
        EncodedDataset trainAsDev = train; // the Trainer keeps the best epoch by dev score: score on the training set
        TextClassifier student = org.kd4j.imports.student.EncoderStudent.classifier(EncoderStudentTest.TINYBERT, 2, 7);
        assertEquals(ModelType.IMPORTED, student.config().type());
        double before = crossEntropy(student, train);

        DataConfig data = new DataConfig("datasets", 32, 16, PaddingMode.DYNAMIC, true, 1, 7, OnBadRow.FAIL, 0, "");
        TrainConfig config = new TrainConfig(6, 1e-2, 0.01, 0.1, 1.0, 11, 0, 0);
        long start = System.nanoTime();
        Trainer.TrainResult result = Trainer.builder("imported-student", student, train, trainAsDev).training(config).data(data)
                .padId(TOKENIZER.padId()).workDir(dir.resolve("work")).parallelism(Parallelism.sequential()).build().fit(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        double after = crossEntropy(student, train);
        LOG.info("fine-tuning {} steps in {} s: train cross-entropy {} -> {}, dev {}", result.state().step(),
                String.format("%.1f", seconds), before, after, result.best());
        assertTrue(after < before - 0.05, "train loss " + before + " -> " + after);

        Path file = dir.resolve("student.kdm");
        student.save(file);
        TextClassifier loaded = TextClassifier.load(file);
        assertEquals(student.source(), loaded.source());
        assertEquals(student.config(), loaded.config());
        float[][] a = student.logits(dev, 16, TOKENIZER.padId());
        float[][] b = loaded.logits(dev, 16, TOKENIZER.padId());
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], 1e-6f, "dev example " + i);
        }
    }

    @Test
    void loadingNamesAChangedOnnxSource() throws Exception {
        Path onnx = dir.resolve("tinybert.onnx");
        Files.copy(EncoderStudentTest.TINYBERT, onnx);
        Path file = dir.resolve("student.kdm");
        org.kd4j.imports.student.EncoderStudent.classifier(onnx, 2, 1).save(file);
        Files.write(onnx, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        KdException e = assertThrows(KdException.class, () -> TextClassifier.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(onnx.toString())
                && e.getMessage().contains("changed"), e.getMessage());
        Files.delete(onnx);
        e = assertThrows(KdException.class, () -> TextClassifier.load(file));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
