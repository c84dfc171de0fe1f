package org.kd4j.data.tokenize;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.kd4j.KdException;

/**
 * Typed reads of JSON fields whose errors name the file, the field path, what was expected and what was
 * found, e.g. {@code tokenizer.json: field 'model.type': expected "WordPiece", found "BPE"}.
 */
final class JsonFields {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String file;

    JsonFields(String file) {
        this.file = file;
    }

    /** Parses a JSON file into a tree. */
    static JsonNode parse(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return parse(in, path.toString());
        } catch (NoSuchFileException e) {
            throw new KdException(path + ": file not found");
        } catch (IOException e) {
            throw new KdException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    static JsonNode parse(InputStream in, String file) throws IOException {
        try {
            JsonNode root = MAPPER.readTree(in);
            if (root == null || !root.isObject()) {
                throw new KdException(file + ": expected a JSON object, found " + describe(root));
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new KdException(file + ": not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        }
    }

    String file() {
        return file;
    }

    KdException error(String field, String expected, JsonNode found) {
        return new KdException(file + ": field '" + field + "': expected " + expected + ", found " + describe(found));
    }

    JsonNode object(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || !node.isObject()) {
            throw error(path, "an object", node);
        }
        return node;
    }

    String text(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || !node.isTextual()) {
            throw error(path, "a string", node);
        }
        return node.textValue();
    }

    boolean bool(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || !node.isBoolean()) {
            throw error(path, "true or false", node);
        }
        return node.booleanValue();
    }

    /** A boolean that may also be null or absent (then null). */
    Boolean optionalBool(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw error(path, "true, false or null", node);
        }
        return node.booleanValue();
    }

    int nonNegativeInt(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || !node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 0) {
            throw error(path, "an integer >= 0", node);
        }
        return node.intValue();
    }

    /** The type tag of a component, checked against the one supported value. */
    void requireType(JsonNode parent, String name, String expectedType) {
        JsonNode component = parent.get(name);
        if (component == null || !component.isObject()) {
            throw error(name, "an object with \"type\": \"" + expectedType + "\"", component);
        }
        JsonNode type = component.get("type");
        if (type == null || !expectedType.equals(type.asText(null))) {
            throw error(name + ".type", "\"" + expectedType + "\"", type);
        }
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing (field missing)";
        }
        String s = node.toString();
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
