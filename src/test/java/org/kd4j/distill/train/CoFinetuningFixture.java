package org.kd4j.distill.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.distill.TaskData;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.TransformerConfig;
import org.kd4j.testing.SyntheticSst2;

/**
 * The co-finetuning tests' set-up: synthetic SST-2 (48 training, 16 dev rows) under {@code root}, its config and data,
 * and two tokenizers (uncased, cased), so that members of one joint run tokenize differently.
 */
record CoFinetuningFixture(ExperimentConfig config, TaskData data, BertTokenizer uncased, BertTokenizer cased) {

    static CoFinetuningFixture write(Path root) throws IOException {
        Path dir = root.resolve("data");
        SyntheticSst2.write(dir, "train", 48, 1);
        SyntheticSst2.write(dir, "dev", 16, 2);
        Path yaml = root.resolve("c.yaml");
        Files.writeString(yaml, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, train_limit: 0}
                run: {dir: %s, cache_dir: %s}
                """.formatted(dir, root.resolve("run"), root.resolve("cache")));
        ExperimentConfig config = ConfigLoader.load(yaml, List.of());
        return new CoFinetuningFixture(config, new TaskData(config.task(), config.data()), BertTokenizer.load("bert-base-uncased"),
                BertTokenizer.load("bert-base-cased"));
    }

    /** A member: a fresh one-layer transformer of width {@code hidden} on {@code tokenizer}'s encoding of the data. */
    CoFinetuner.Member member(String name, BertTokenizer tokenizer, int hidden, Pooling pooling, long seed) {
        TextClassifier model = TextClassifier.create(new TransformerConfig(1, hidden, 2, 32, 32, pooling), tokenizer.vocabSize(), 2, seed);
        return new CoFinetuner.Member(name, model, data.train(tokenizer), data.dev(tokenizer), tokenizer.padId());
    }

    /** Two members of width 16 pooling [CLS], on the uncased and the cased tokenizer. */
    List<CoFinetuner.Member> pair() {
        return List.of(member("a", uncased, 16, Pooling.CLS, 5), member("b", cased, 16, Pooling.CLS, 6));
    }
}
