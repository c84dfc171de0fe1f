package org.kd4j.data.glue;

/** The benchmark suite a task belongs to; decides the folder under the data directory and the file format. */
public enum Benchmark {
    /** Tab-separated files, no CSV quoting, {@code train.tsv}, {@code dev.tsv}, {@code test.tsv}. */
    GLUE("glue"),
    /** One JSON object per line, {@code train.jsonl}, {@code val.jsonl}, {@code test.jsonl}. */
    SUPERGLUE("superglue");

    private final String folder;

    Benchmark(String folder) {
        this.folder = folder;
    }

    public String folder() {
        return folder;
    }
}
