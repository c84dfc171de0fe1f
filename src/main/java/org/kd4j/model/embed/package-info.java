/**
 * Trainable token embeddings whose gradient costs O(tokens x hidden). In SameDiff M2.1 the backward pass of
 * {@code gather} is broken and a one-hot matmul costs tokens x vocab x hidden, so the table lives outside the
 * graph: the batch's rows are gathered into a graph variable, SameDiff differentiates with respect to those rows,
 * and {@link org.kd4j.model.embed.EmbeddingTable#gradient} scatter-adds the row gradients into the table's
 * gradient (rows repeated in the batch accumulate).
 */
package org.kd4j.model.embed;
