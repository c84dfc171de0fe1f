package org.kd4j.data.glue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** SuperGLUE's JSON-lines rows: one object per line, fields by name, labels as strings or booleans. */
final class JsonlRowParser extends RowParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    JsonlRowParser(GlueTask task, SplitSpec split) {
        super(task, split);
    }

    @Override
    Example parse(String line, int lineNumber) throws BadRowException {
        JsonNode row;
        try {
            row = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadRowException("not valid JSON: " + e.getOriginalMessage());
        }
        if (row == null || !row.isObject()) {
            throw new BadRowException("expected a JSON object, found " + (row == null ? "nothing" : row.getNodeType()));
        }
        String exampleId = columns.id() != null && row.hasNonNull(columns.id())
                ? row.get(columns.id()).asText() : Integer.toString(lineNumber);
        return example(exampleId, lineNumber, text(row, columns.textA()), text(row, columns.textB()),
                label(row), text(row, columns.extra()));
    }

    private static String text(JsonNode row, String field) throws BadRowException {
        if (field == null || !row.has(field) || row.get(field).isNull()) {
            return null;
        }
        JsonNode value = row.get(field);
        if (!value.isTextual()) {
            throw new BadRowException("field '" + field + "' should be a string, found " + value.getNodeType());
        }
        return value.textValue();
    }

    private String label(JsonNode row) throws BadRowException {
        String field = columns.label();
        if (field == null || !row.has(field) || row.get(field).isNull()) {
            return null;
        }
        JsonNode value = row.get(field);
        if (value.isBoolean() || value.isTextual() || value.isNumber()) {
            return value.asText();
        }
        throw new BadRowException("field '" + field + "' should be a string or boolean, found " + value.getNodeType());
    }
}
