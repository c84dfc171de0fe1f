package org.kd4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.data.tokenize.TokenizerFiles;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.TextClassifier;
import org.kd4j.run.RunDirectory;

/**
 * Finished run directories made in milliseconds, without training: a {@link Students#randomised} model over a
 * vocabulary of the special tokens and {@link SyntheticSst2}'s words, its tokenizer, labels and the completion marker.
 */
public final class TinyRuns {

    private TinyRuns() {}

    /** The words of the tiny vocabulary (after {@code [PAD] [UNK] [CLS] [SEP] [MASK]}). */
    public static List<String> words() {
        List<String> words = new ArrayList<>(Arrays.asList(SyntheticSst2.FILLER));
        for (String[] s : SyntheticSst2.SENTIMENT) {
            words.addAll(Arrays.asList(s));
        }
        words.addAll(List.of("good", "film", "!", ".", ","));
        return words.stream().distinct().toList();
    }

    /** Writes a vocab.txt of the specials and {@link #words()}; returns it. */
    public static Path vocab(Path dir) throws IOException {
        List<String> lines = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        lines.addAll(words());
        Path file = dir.resolve("vocab.txt");
        Files.createDirectories(dir);
        Files.write(file, lines);
        return file;
    }

    /** A finished run of {@code config} for {@code task} in {@code dir}; returns the model written. */
    public static TextClassifier write(Path dir, ModelConfig config, GlueTask task, int maxLength, long seed) throws IOException {
        Path vocab = vocab(dir.resolve("vocab-source"));
        RunDirectory run = new RunDirectory(dir);
        TokenizerFiles.export(vocab.toString(), run.file(RunDirectory.TOKENIZER));
        int vocabSize = BertTokenizer.load(run.file(RunDirectory.TOKENIZER).toString()).vocabSize();
        TextClassifier model = Students.randomised(config, vocabSize, task.numOutputs(), seed);
        model.save(run.file(RunDirectory.MODEL));
        run.writeLabels(task, maxLength);
        run.writeJson(RunDirectory.METRICS, java.util.Map.of("rows", List.of()));
        return model;
    }
}
