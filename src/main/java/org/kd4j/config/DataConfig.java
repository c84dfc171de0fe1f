package org.kd4j.config;

import org.kd4j.ConfigException;
import org.kd4j.data.batch.PaddingMode;
import org.kd4j.data.glue.OnBadRow;

/**
 * Where the task's files are and how examples become batches.
 *
 * @param dir data directory holding {@code glue/<TASK>/} and {@code superglue/<TASK>/} (relative to the working directory)
 * @param maxLength maximum tokens per example including [CLS]/[SEP]; longer inputs are truncated longest-first
 * @param batchSize examples per batch
 * @param padding {@code dynamic}: pad each batch to its longest example; {@code fixed}: pad every batch to max_length
 * @param bucketing group examples of similar length into batches (training order stays random)
 * @param bucketBatches batches per bucket window: larger windows pad less but mix less
 * @param seed seed of shuffling
 * @param onBadRow {@code fail} on a malformed row, or {@code skip} it and report the count
 * @param trainLimit use a seeded random subset of N training rows (0: all); for demos and quick runs
 * @param transferFile unlabeled transfer data (one text, or tab-separated pair, per line) that the teachers label
 *     for the students; empty for none
 * @param unlabeledTrain N further rows of the training file, outside the {@code train_limit} subset, used as unlabeled
 *     transfer data: their gold labels are dropped and the teachers label them for the distilled students (the
 *     semi-supervised setting of "Distilling BERT into simple neural networks with unlabeled transfer data"). Teachers
 *     and the cross-entropy student never see them. 0: none; needs {@code train_limit}
 */
public record DataConfig(String dir, int maxLength, int batchSize, PaddingMode padding, boolean bucketing,
                         int bucketBatches, long seed, OnBadRow onBadRow, int trainLimit, String transferFile,
                         int unlabeledTrain) {

    public static final int MAX_LENGTH_LIMIT = 512;

    public DataConfig {
        ConfigException.requireText("dir", dir);
        ConfigException.requireRange("max_length", maxLength, 8, MAX_LENGTH_LIMIT);
        ConfigException.requireRange("batch_size", batchSize, 1, 4096);
        ConfigException.requireRange("bucket_batches", bucketBatches, 1, 10_000);
        ConfigException.requireRange("train_limit", trainLimit, 0, Integer.MAX_VALUE);
        if (padding == null) {
            throw ConfigException.invalid("padding", null, "dynamic or fixed");
        }
        transferFile = transferFile == null ? "" : transferFile;
        ConfigException.requireRange("unlabeled_train", unlabeledTrain, 0, Integer.MAX_VALUE);
        if (unlabeledTrain > 0 && trainLimit == 0) {
            throw ConfigException.invalid("unlabeled_train", unlabeledTrain, "0 when train_limit is 0 (all training rows"
                    + " are labeled then, none is left to use unlabeled)");
        }
        if (onBadRow == null) {
            throw ConfigException.invalid("on_bad_row", null, "fail or skip");
        }
    }

    public static DataConfig defaults() {
        return new DataConfig("datasets", 128, 32, PaddingMode.DYNAMIC, true, 50, 42L, OnBadRow.FAIL, 0, "", 0);
    }

    /** The same without unlabeled training rows. */
    public DataConfig(String dir, int maxLength, int batchSize, PaddingMode padding, boolean bucketing, int bucketBatches,
                      long seed, OnBadRow onBadRow, int trainLimit, String transferFile) {
        this(dir, maxLength, batchSize, padding, bucketing, bucketBatches, seed, onBadRow, trainLimit, transferFile, 0);
    }
}
