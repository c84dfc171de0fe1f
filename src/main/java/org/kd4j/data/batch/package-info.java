/**
 * From examples to model inputs: tokenized datasets ({@link org.kd4j.data.batch.EncodedDataset}), the order and
 * grouping of examples into batches ({@link org.kd4j.data.batch.BatchPlanner}: deterministic shuffling, length
 * bucketing), padded batches ({@link org.kd4j.data.batch.Batch}) and a DL4J
 * {@link org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator} over them.
 */
package org.kd4j.data.batch;
