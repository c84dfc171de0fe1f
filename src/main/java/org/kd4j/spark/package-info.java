/**
 * Scale-out on Apache Spark (draft, issue 15): the only package that imports {@code org.apache.spark}.
 *
 * <p>Spark is an optional dependency of kd4j: an application that embeds a student never pulls it, and code outside
 * this package never refers to it. {@link org.kd4j.spark.SparkSessions} starts a session (default master
 * {@code local[*]}); {@link org.kd4j.spark.PartitionScorer} scores a partition of indexed sentences with a teacher
 * that {@link org.kd4j.spark.ExecutorTeachers} loads once per executor JVM; {@link org.kd4j.spark.SparkScoring}
 * runs that over a data set and puts the logits back in input order. See {@code docs/scale-out.md}.
 */
package org.kd4j.spark;
