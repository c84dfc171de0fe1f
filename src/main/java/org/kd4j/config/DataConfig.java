package org.kd4j.config;

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
 */
public record DataConfig(String dir, int maxLength, int batchSize, PaddingMode padding, boolean bucketing,
                         int bucketBatches, long seed, OnBadRow onBadRow, int trainLimit, String transferFile) {

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
        if (onBadRow == null) {
            throw ConfigException.invalid("on_bad_row", null, "fail or skip");
        }
    }

    public static DataConfig defaults() {
        return new DataConfig("datasets", 128, 32, PaddingMode.DYNAMIC, true, 50, 42L, OnBadRow.FAIL, 0, "");
    }
}
