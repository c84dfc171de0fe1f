/** Descriptive statistics of a task split: rows against the published count, labels, token lengths. */
package org.kd4j.data.stats;
