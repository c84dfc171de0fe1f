/**
 * The embedding API for JVM applications: load a run directory, classify texts
 * ({@link org.kd4j.api.DistilledClassifier}).
 */
package org.kd4j.api;
