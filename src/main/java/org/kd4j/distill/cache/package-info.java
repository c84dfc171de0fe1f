/**
 * Teacher logits cached on disk: {@link org.kd4j.distill.cache.CacheKey} names what the logits depend on (model and
 * data file contents, tokenizer, max length, variant), and {@link org.kd4j.distill.cache.LogitCache} stores them in
 * checked, atomically written files and recomputes any file that fails a check.
 */
package org.kd4j.distill.cache;
