package org.kd4j.config;

/**
 * Where a run writes.
 *
 * @param dir the run directory (the distilled student, its report, metrics and provenance)
 * @param cacheDir trained teachers and their cached logits, shared by runs and sweeps
 */
public record RunConfig(String dir, String cacheDir) {

    public RunConfig {
        ConfigException.requireText("dir", dir);
        ConfigException.requireText("cache_dir", cacheDir);
    }

    public static RunConfig defaults() {
        return new RunConfig("runs/default", "runs/cache");
    }
}
