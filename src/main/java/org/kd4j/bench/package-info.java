/** Benchmarks run as commands ({@code bench ...}), reported as throughput and ratios measured in one run. */
package org.kd4j.bench;
