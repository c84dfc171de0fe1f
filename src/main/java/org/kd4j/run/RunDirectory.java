package org.kd4j.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kd4j.KdException;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.util.AtomicFiles;

/**
 * The layout of a run directory:
 * <pre>
 * model.kdm          the distilled student: config and parameters (what kd4j loads)
 * model.sdz          the same student as a SameDiff graph with its weights and embedding tables
 * tokenizer/         its tokenizer files (vocab.txt or tokenizer.json, tokenizer_config.json)
 * labels.json        task, label names in id order, max length
 * config.yaml        the resolved configuration
 * provenance.json    library versions, data and teacher hashes, seed, command ({@link RunProvenance})
 * report.md          the comparison table
 * metrics.json       every row's metrics ({@link RunMetrics}); written last: its presence marks a finished run
 * unfinished         present while the run is being (re)written: a run with this marker is not finished, even
 *                    with a metrics file (a crash between the two files)
 * work/              checkpoints and per-variant training state (for --resume)
 * </pre>
 */
public final class RunDirectory {

    public static final String MODEL = "model.kdm";
    public static final String SAMEDIFF = "model.sdz";
    public static final String TOKENIZER = "tokenizer";
    public static final String LABELS = "labels.json";
    public static final String CONFIG = "config.yaml";
    public static final String PROVENANCE = "provenance.json";
    public static final String REPORT = "report.md";
    /** The students' training curves (PNG), linked from the report. */
    public static final String CURVES = "curves.png";
    public static final String METRICS = "metrics.json";
    public static final String WORK = "work";
    public static final String UNFINISHED = "unfinished";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Binds the typed records ({@link RunProvenance}, {@link RunMetrics}): snake_case names, unknown fields ignored. */
    private static final JsonMapper RECORDS = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path dir;

    public RunDirectory(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** Whether the run finished: its metrics file exists and no unfinished marker. */
    public boolean finished() {
        return Files.isRegularFile(file(METRICS)) && !Files.exists(file(UNFINISHED));
    }

    /** Marks the run unfinished before it is (re)written: writes the unfinished marker, removes the metrics file. */
    public void markUnfinished() {
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(file(UNFINISHED), "");
            Files.deleteIfExists(file(METRICS));
        } catch (IOException e) {
            throw new UncheckedIOException("preparing run directory " + dir, e);
        }
    }

    /** Marks the run finished once its metrics file is written: removes the unfinished marker. */
    public void markFinished() {
        if (!Files.isRegularFile(file(METRICS))) {
            throw new IllegalStateException(dir + ": " + METRICS + " must be written before the run is marked finished");
        }
        try {
            Files.deleteIfExists(file(UNFINISHED));
        } catch (IOException e) {
            throw new UncheckedIOException("finishing run directory " + dir, e);
        }
    }

    public void writeJson(String name, Object value) {
        try {
            AtomicFiles.write(file(name), JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file(name), e);
        }
    }

    /** Writes {@code provenance.json} atomically. */
    public void writeProvenance(RunProvenance provenance) {
        writeRecord(PROVENANCE, provenance);
    }

    /** Writes {@code metrics.json} atomically; call {@link #markFinished()} after it. */
    public void writeMetrics(RunMetrics metrics) {
        writeRecord(METRICS, metrics);
    }

    /**
     * Reads {@code provenance.json}.
     *
     * @throws KdException naming the file (and the field) when it is missing, unreadable or of the wrong shape
     */
    public RunProvenance readProvenance() {
        return readRecord(PROVENANCE, RunProvenance.class);
    }

    /**
     * Reads {@code metrics.json}.
     *
     * @throws KdException naming the file (and the field) when it is missing, unreadable or of the wrong shape
     */
    public RunMetrics readMetrics() {
        return readRecord(METRICS, RunMetrics.class);
    }

    private void writeRecord(String name, Object value) {
        try {
            AtomicFiles.write(file(name), RECORDS.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file(name), e);
        }
    }

    private <T> T readRecord(String name, Class<T> type) {
        Path file = file(name);
        if (!Files.isRegularFile(file)) {
            throw new KdException(file + ": not found (the run directory is incomplete)");
        }
        try {
            T value = RECORDS.readValue(file.toFile(), type);
            if (value == null) {
                throw new KdException(file + ": expected a JSON object, found null");
            }
            return value;
        } catch (JsonMappingException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(java.util.stream.Collectors.joining("."));
            throw new KdException(file + ": " + (field.isEmpty() ? "" : "field '" + field + "': ") + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new KdException(file + ": unreadable (" + e.getMessage() + ")", e);
        }
    }

    public void writeText(String name, String text) {
        try {
            AtomicFiles.writeString(file(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file(name), e);
        }
    }

    /** What a loaded run knows about its task. */
    public record Labels(GlueTask task, List<String> labels, int maxLength) {}

    public void writeLabels(GlueTask task, int maxLength) {
        writeJson(LABELS, Map.of("task", task.displayName(), "labels", task.labels(), "regression", task.isRegression(),
                "pair", task.isPair(), "max_length", maxLength));
    }

    /** Reads a finished run's labels; errors name the directory and what is missing. */
    public Labels readLabels() {
        if (!Files.isDirectory(dir)) {
            throw new KdException(dir + ": run directory not found");
        }
        if (!finished()) {
            throw new KdException(dir + ": not a finished run (" + METRICS + " is missing or the '" + UNFINISHED
                    + "' marker is present: the run did not complete)");
        }
        Path file = file(LABELS);
        if (!Files.isRegularFile(file)) {
            throw new KdException(file + ": labels file not found (the run directory is incomplete)");
        }
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new KdException(file + ": unreadable (" + e.getMessage() + ")", e);
        }
        for (String field : List.of("task", "labels", "max_length")) {
            if (node == null || !node.has(field)) {
                throw new KdException(file + ": field '" + field + "' is missing");
            }
        }
        GlueTask task;
        try {
            task = GlueTask.parse(node.get("task").asText());
        } catch (KdException e) {
            throw new KdException(file + ": field 'task': " + e.getMessage(), e);
        }
        if (!node.get("labels").isArray()) {
            throw new KdException(file + ": field 'labels': expected an array of label names, found " + node.get("labels"));
        }
        List<String> labels = new ArrayList<>();
        node.get("labels").forEach(l -> labels.add(l.asText()));
        if (labels.size() != task.labels().size()) {
            throw new KdException(file + ": field 'labels': task " + task + " has " + task.labels().size() + " labels "
                    + task.labels() + ", found " + labels.size() + " " + labels);
        }
        int maxLength = node.get("max_length").asInt(-1);
        if (maxLength < 2) {
            throw new KdException(file + ": field 'max_length': expected an integer >= 2, found " + node.get("max_length"));
        }
        return new Labels(task, labels, maxLength);
    }
}
