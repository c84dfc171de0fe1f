package org.kd4j.data.batch;

import java.util.List;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.data.tokenize.Encoding;

/**
 * A split after tokenization: one {@link Encoding} per example (unpadded, truncated to {@code maxLength}) with
 * the gold labels (classification) or scores (regression) in the same order.
 */
public record EncodedDataset(GlueTask task, List<Encoding> encodings, int[] labels, double[] scores, int maxLength) {

    public EncodedDataset {
        encodings = List.copyOf(encodings);
        if (labels.length != encodings.size() || scores.length != encodings.size()) {
            throw new IllegalArgumentException("labels/scores must match the " + encodings.size() + " encodings");
        }
    }

    public static EncodedDataset encode(GlueDataset data, BertTokenizer tokenizer, int maxLength) {
        List<Encoding> encodings = data.examples().stream()
                .map(e -> tokenizer.encode(e.textA(), e.textB(), maxLength))
                .toList();
        return new EncodedDataset(data.task(), encodings, data.labels(), data.scores(), maxLength);
    }

    /** Encodes a list of examples of a task (for example texts to classify). */
    public static EncodedDataset encode(GlueTask task, List<Example> examples, BertTokenizer tokenizer, int maxLength) {
        List<Encoding> encodings = examples.stream().map(e -> tokenizer.encode(e.textA(), e.textB(), maxLength)).toList();
        return new EncodedDataset(task, encodings, examples.stream().mapToInt(Example::label).toArray(),
                examples.stream().mapToDouble(Example::score).toArray(), maxLength);
    }

    /** This dataset followed by {@code other} (same task and max length), without tokenizing again. */
    public EncodedDataset concat(EncodedDataset other) {
        List<Encoding> all = new java.util.ArrayList<>(encodings);
        all.addAll(other.encodings);
        return new EncodedDataset(task, all, java.util.stream.IntStream.concat(java.util.Arrays.stream(labels),
                java.util.Arrays.stream(other.labels)).toArray(), java.util.stream.DoubleStream.concat(
                java.util.Arrays.stream(scores), java.util.Arrays.stream(other.scores)).toArray(), maxLength);
    }

    /** The examples at {@code rows}, in that order. */
    public EncodedDataset subset(int[] rows) {
        List<Encoding> picked = new java.util.ArrayList<>(rows.length);
        int[] l = new int[rows.length];
        double[] s = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            picked.add(encodings.get(rows[i]));
            l[i] = labels[rows[i]];
            s[i] = scores[rows[i]];
        }
        return new EncodedDataset(task, picked, l, s, maxLength);
    }

    public int size() {
        return encodings.size();
    }

    /** Token counts per example (with special tokens), the input to {@link BatchPlanner}. */
    public int[] lengths() {
        return encodings.stream().mapToInt(Encoding::length).toArray();
    }
}
