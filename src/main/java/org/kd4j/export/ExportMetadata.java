package org.kd4j.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kd4j.KdException;
import org.kd4j.data.glue.GlueTask;

/**
 * What an exported student carries besides its graph, as ONNX {@code metadata_props}: the task, the label names in
 * logit order and the maximum length the student was trained with. A single exported file (with its tokenizer.json)
 * is enough to classify text.
 *
 * @param task      the task (regression when it has one output)
 * @param labels    label names in logit order ({@code task.labels()} unless renamed)
 * @param maxLength tokens per example the student was trained with, {@code [CLS]}/{@code [SEP]} included
 */
public record ExportMetadata(GlueTask task, List<String> labels, int maxLength) {

    public static final String TASK = "kd4j.task";
    public static final String LABELS = "kd4j.labels";
    public static final String MAX_LENGTH = "kd4j.max_length";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ExportMetadata {
        if (task == null) {
            throw new IllegalArgumentException("task is required");
        }
        labels = List.copyOf(labels);
        if (labels.size() != task.labels().size()) {
            throw new IllegalArgumentException("labels " + labels + ": task " + task + " has " + task.labels().size());
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException("max length must be >= 2, got " + maxLength);
        }
    }

    /** The key/value pairs written into the model. */
    public Map<String, String> toProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(TASK, task.displayName());
        try {
            props.put(LABELS, JSON.writeValueAsString(labels));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("label names cannot be written as JSON", e);
        }
        props.put(MAX_LENGTH, Integer.toString(maxLength));
        return props;
    }

    /**
     * Reads the pairs back; errors name {@code file} and the key.
     *
     * @throws KdException when a key is missing or its value is invalid
     */
    public static ExportMetadata of(Map<String, String> props, String file) {
        for (String key : List.of(TASK, LABELS, MAX_LENGTH)) {
            if (!props.containsKey(key)) {
                throw new KdException(file + ": metadata '" + key + "' is missing (found " + props.keySet()
                        + "); expected a student exported by 'kd4j export'");
            }
        }
        GlueTask task;
        try {
            task = GlueTask.parse(props.get(TASK));
        } catch (KdException e) {
            throw new KdException(file + ": metadata '" + TASK + "': " + e.getMessage(), e);
        }
        List<String> labels;
        try {
            labels = JSON.readValue(props.get(LABELS), new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new KdException(file + ": metadata '" + LABELS + "': expected a JSON array of names, found "
                    + props.get(LABELS), e);
        }
        int maxLength;
        try {
            maxLength = Integer.parseInt(props.get(MAX_LENGTH));
        } catch (NumberFormatException e) {
            throw new KdException(file + ": metadata '" + MAX_LENGTH + "': expected an integer, found " + props.get(MAX_LENGTH), e);
        }
        try {
            return new ExportMetadata(task, labels, maxLength);
        } catch (IllegalArgumentException e) {
            throw new KdException(file + ": metadata: " + e.getMessage(), e);
        }
    }
}
