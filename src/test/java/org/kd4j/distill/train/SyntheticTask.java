package org.kd4j.distill.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.BertTokenizer;

/** A tiny, learnable sentiment task in SST-2's shape: label 1 iff the sentence holds a positive word. */
final class SyntheticTask {

    private static final String[] FILLER = {"the", "movie", "was", "a", "plot", "story", "and", "it", "really", "film"};
    private static final String[] POSITIVE = {"great", "wonderful", "good"};
    private static final String[] NEGATIVE = {"awful", "boring", "bad"};

    static final BertTokenizer TOKENIZER = BertTokenizer.load("bert-base-uncased");

    private SyntheticTask() {}

    static EncodedDataset make(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(2);
            StringBuilder sb = new StringBuilder();
            int words = 3 + random.nextInt(8);
            int sentimentAt = random.nextInt(words);
            for (int w = 0; w < words; w++) {
                String word = w == sentimentAt
                        ? (label == 1 ? POSITIVE : NEGATIVE)[random.nextInt(3)] : FILLER[random.nextInt(FILLER.length)];
                sb.append(w == 0 ? "" : " ").append(word);
            }
            examples.add(new Example(Integer.toString(i), i + 1, sb.toString(), null, label, Double.NaN));
        }
        return EncodedDataset.encode(GlueTask.SST2, examples, TOKENIZER, 32);
    }
}
