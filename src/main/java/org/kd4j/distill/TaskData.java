package org.kd4j.distill;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.kd4j.KdException;
import org.kd4j.config.DataConfig;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.TransferFile;
import org.kd4j.data.tokenize.BertTokenizer;

/**
 * The examples of a run: the training set (a seeded random subset when {@code data.train_limit} is set), the
 * unlabeled transfer examples of {@code data.transfer_file} if any, the further training rows of
 * {@code data.unlabeled_train} with their labels dropped, and the whole dev set; encoded once per tokenizer. Teachers
 * train on the training set; distilled students on the training set followed by the transfer examples and the
 * unlabeled rows ({@link #studentTrain}).
 */
public final class TaskData {

    private final GlueTask task;
    private final DataConfig config;
    private final GlueDataset trainSplit;
    private final GlueDataset devSplit;
    private final List<Example> train;
    private final List<Example> transfer;
    private final List<Example> unlabeled;
    private final Map<String, EncodedDataset[]> encoded = new HashMap<>();

    public TaskData(GlueTask task, DataConfig config) {
        this.task = task;
        this.config = config;
        Path dir = Path.of(config.dir());
        this.trainSplit = GlueDataset.load(dir, task, task.trainSplit().name(), config.onBadRow());
        this.devSplit = GlueDataset.load(dir, task, task.devSplit().name(), config.onBadRow());
        if (trainSplit.size() == 0) {
            throw new KdException(trainSplit.file() + ": the training set is empty");
        }
        if (devSplit.size() == 0) {
            throw new KdException(devSplit.file() + ": the dev set is empty");
        }
        int[] order = order(trainSplit.size(), config.seed());
        this.train = config.trainLimit() == 0 || config.trainLimit() >= trainSplit.size() ? trainSplit.examples()
                : pick(trainSplit.examples(), order, 0, config.trainLimit());
        if (config.unlabeledTrain() > 0) {
            int left = trainSplit.size() - train.size();
            if (config.unlabeledTrain() > left) {
                throw new KdException("data.unlabeled_train " + config.unlabeledTrain() + ": " + trainSplit.file() + " has "
                        + trainSplit.size() + " rows, " + train.size() + " of them labeled (train_limit); at most " + left
                        + " are left to use unlabeled");
            }
            this.unlabeled = pick(trainSplit.examples(), order, train.size(), config.unlabeledTrain()).stream()
                    .map(e -> new Example(e.id(), e.line(), e.textA(), e.textB(), Example.NO_LABEL, Double.NaN)).toList();
        } else {
            this.unlabeled = List.of();
        }
        this.transfer = config.transferFile().isEmpty() ? List.of()
                : TransferFile.read(Path.of(config.transferFile()), task, config.onBadRow());
    }

    /** A seeded permutation of the training rows: the labeled subset is its head, the unlabeled rows follow. */
    private static int[] order(int size, long seed) {
        int[] order = IntStream.range(0, size).toArray();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static List<Example> pick(List<Example> all, int[] order, int from, int count) {
        List<Example> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            out.add(all.get(order[i]));
        }
        return out;
    }

    public GlueTask task() {
        return task;
    }

    public Path trainFile() {
        return trainSplit.file();
    }

    public Path devFile() {
        return devSplit.file();
    }

    public int trainSize() {
        return train.size();
    }

    /** Rows of the whole training file (before {@code train_limit}). */
    public int fullTrainSize() {
        return trainSplit.size();
    }

    public int devSize() {
        return devSplit.size();
    }

    /** The dev set's gold label ids (classification), in file order. */
    public int[] devLabels() {
        return devSplit.labels();
    }

    /** The dev set's gold scores (regression), in file order. */
    public double[] devScores() {
        return devSplit.scores();
    }

    public boolean hasTransfer() {
        return !transfer.isEmpty();
    }

    public Path transferFile() {
        return Path.of(config.transferFile());
    }

    public int transferSize() {
        return transfer.size();
    }

    public boolean hasUnlabeled() {
        return !unlabeled.isEmpty();
    }

    /** Training rows used without their labels ({@code data.unlabeled_train}). */
    public int unlabeledSize() {
        return unlabeled.size();
    }

    /** Identifies the unlabeled training rows in cache keys. */
    public String unlabeledVariant() {
        return "unlabeled:limit=" + config.trainLimit() + ":seed=" + config.seed() + ":n=" + config.unlabeledTrain();
    }

    /** Identifies the training subset in cache keys. */
    public String trainVariant() {
        return "train:limit=" + config.trainLimit() + ":seed=" + config.seed();
    }

    /** The training examples (the {@code train_limit} subset), unencoded. */
    public List<Example> trainExamples() {
        return train;
    }

    /** The dev examples, unencoded. */
    public List<Example> devExamples() {
        return devSplit.examples();
    }

    /** The unlabeled training rows ({@code data.unlabeled_train}), unencoded. */
    public List<Example> unlabeledExamples() {
        return unlabeled;
    }

    public EncodedDataset train(BertTokenizer tokenizer) {
        return encode(tokenizer)[0];
    }

    public EncodedDataset dev(BertTokenizer tokenizer) {
        return encode(tokenizer)[1];
    }

    /** The unlabeled transfer examples alone (empty when there is no transfer file). */
    public EncodedDataset transfer(BertTokenizer tokenizer) {
        return encode(tokenizer)[2];
    }

    /** The unlabeled training rows alone (empty without {@code data.unlabeled_train}). */
    public EncodedDataset unlabeled(BertTokenizer tokenizer) {
        return encode(tokenizer)[4];
    }

    /** What distilled students train on: the training examples, then the transfer examples, then the unlabeled rows. */
    public EncodedDataset studentTrain(BertTokenizer tokenizer) {
        return encode(tokenizer)[3];
    }

    private synchronized EncodedDataset[] encode(BertTokenizer tokenizer) {
        return encoded.computeIfAbsent(tokenizer.fingerprint(), f -> {
            EncodedDataset trainSet = EncodedDataset.encode(task, train, tokenizer, config.maxLength());
            EncodedDataset transferSet = EncodedDataset.encode(task, transfer, tokenizer, config.maxLength());
            EncodedDataset unlabeledSet = EncodedDataset.encode(task, unlabeled, tokenizer, config.maxLength());
            return new EncodedDataset[] {trainSet,
                EncodedDataset.encode(devSplit, tokenizer, config.maxLength()),
                transferSet, trainSet.concat(transferSet).concat(unlabeledSet), unlabeledSet};
        });
    }
}
