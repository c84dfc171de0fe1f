package org.kd4j.config;

import org.kd4j.ConfigException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.kd4j.KdException;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.model.ModelConfig;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.util.Messages;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@link ExperimentConfig} from a YAML preset: the record defaults, overlaid with the file, overlaid with
 * {@code --set dotted.key=value} overrides, then bound to the validating records. Every error names its source
 * (the file or the {@code --set}), the dotted key, the value and what was allowed.
 *
 * <p>A key that a file or a {@code --set} names but the section's architecture does not use is logged as a warning
 * ({@link #unusedKeyNotes(Path, List)}): {@code layers} in a {@code bilstm} or {@code cnn} model section, whose
 * depth it is not. It is not refused, so that a preset written for a transformer (which names its {@code layers}) can
 * still be switched to a {@code bilstm} or {@code cnn} by {@code --set student.model.type=...}. A run's resolved
 * {@code config.yaml} writes {@code layers: 1} for both, so it reads back without a warning.
 */
public final class ConfigLoader {

    private static final Logger LOG = LogManager.getLogger(ConfigLoader.class);

    private static final String DEFAULTS = "defaults";
    private static final JsonMapper YAML = JsonMapper.builder(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .addModule(new SimpleModule("kd4j")
                    .addDeserializer(GlueTask.class, new TaskDeserializer())
                    .addSerializer(GlueTask.class, ToStringSerializer.instance))
            .build();

    private ConfigLoader() {}

    /** Defaults plus overrides, without a file. */
    public static ExperimentConfig load(List<String> overrides) {
        return logged(bind(defaultsTree(), DEFAULTS, overrides, new TreeSet<>()));
    }

    /** Defaults, overlaid with the YAML file, overlaid with {@code key=value} overrides. */
    public static ExperimentConfig load(Path file, List<String> overrides) {
        return logged(bindFile(file, overrides));
    }

    /**
     * The warnings {@link #load(Path, List)} logs for this file and these overrides: one for each key they name that
     * its section's architecture does not use (see the class comment), naming the key, the value and the source.
     */
    static List<String> unusedKeyNotes(Path file, List<String> overrides) {
        return bindFile(file, overrides).notes();
    }

    private static Bound bindFile(Path file, List<String> overrides) {
        ObjectNode tree = defaultsTree();
        Set<String> named = new TreeSet<>();
        merge(tree, readFile(file), defaultsTree(), "", named);
        return bind(tree, file.toString(), overrides, named);
    }

    /**
     * Defaults, overlaid with each of {@code overlays} in turn (YAML mappings of the preset's keys, e.g. the sections of
     * a benchmark plan), overlaid with {@code key=value} overrides. Errors name {@code source} and the full key.
     */
    public static ExperimentConfig load(List<? extends JsonNode> overlays, String source, List<String> overrides) {
        ObjectNode tree = defaultsTree();
        Set<String> named = new TreeSet<>();
        for (JsonNode overlay : overlays) {
            if (overlay == null || overlay.isNull() || overlay.isMissingNode()) {
                continue;
            }
            if (!(overlay instanceof ObjectNode object)) {
                throw ConfigException.of(source, "expected a mapping of keys to values, found " + overlay.getNodeType());
            }
            merge(tree, object, defaultsTree(), "", named);
        }
        return logged(bind(tree, source, overrides, named));
    }

    /** A bound configuration and the warnings about it (the keys named but not used). */
    private record Bound(ExperimentConfig config, List<String> notes) {}

    private static ExperimentConfig logged(Bound bound) {
        bound.notes().forEach(LOG::warn);
        return bound.config();
    }

    private static ObjectNode readFile(Path file) {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw ConfigException.of(source, "config file not found");
        }
        JsonNode user;
        try {
            user = YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw ConfigException.of(source, "not valid YAML: " + problem(e));
        } catch (IOException e) {
            throw ConfigException.of(source, "cannot read: " + e.getMessage());
        }
        if (user == null || user.isMissingNode() || user.isNull()) {
            return YAML.createObjectNode();
        }
        if (!(user instanceof ObjectNode object)) {
            throw ConfigException.of(source, "expected a mapping of keys to values at the top level, found "
                    + user.getNodeType());
        }
        return object;
    }

    /**
     * Any validating record from a YAML file (e.g. a sweep space), without defaults: every key must map to a field,
     * and errors name the file, key and value as for {@link ExperimentConfig}.
     */
    public static <T> T loadRecord(Path file, Class<T> type) {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw ConfigException.of(source, "file not found");
        }
        try {
            // absent numeric keys read as 0 and are then judged by the record's own range checks
            return YAML.readerFor(type).without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).readValue(file.toFile());
        } catch (JsonProcessingException e) {
            throw translate(e, source, Map.of());
        } catch (IOException e) {
            throw ConfigException.of(source, "cannot read: " + e.getMessage());
        }
    }

    /**
     * Every dotted key of {@code config} that a {@code --set key=value} override may name (sections and their
     * values, e.g. {@code student}, {@code student.train}, {@code student.train.learning_rate}), sorted. The same
     * tree that {@code --set} is checked against: a key outside this set is an unknown key.
     */
    public static SortedSet<String> keys(ExperimentConfig config) {
        SortedSet<String> keys = new TreeSet<>();
        collectKeys(YAML.valueToTree(config), "", keys);
        return keys;
    }

    private static void collectKeys(JsonNode node, String prefix, Set<String> keys) {
        node.fields().forEachRemaining(field -> {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            keys.add(key);
            if (field.getValue() instanceof ObjectNode section) {
                optionalKeys(section).forEach(k -> keys.add(key + "." + k));
            }
            if (field.getValue().isObject()) {
                collectKeys(field.getValue(), key, keys);
            }
        });
    }

    /** A configuration (or one of its sections) as YAML, as written next to every run's output. */
    public static String toYaml(Object config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise config", e);
        }
    }

    /**
     * {@link #toYaml} without the entries at {@code dottedKeys} (e.g. {@code run.parallelism}), for identities of runs; a
     * key that is not there is skipped.
     */
    public static String toYamlWithout(Object config, String... dottedKeys) {
        ObjectNode tree = YAML.valueToTree(config);
        for (String dottedKey : dottedKeys) {
            String[] parts = dottedKey.split("\\.");
            ObjectNode node = tree;
            for (int i = 0; i < parts.length - 1 && node != null; i++) {
                node = node.get(parts[i]) instanceof ObjectNode child ? child : null;
            }
            if (node != null) {
                node.remove(parts[parts.length - 1]);
            }
        }
        return toYaml(tree);
    }

    /**
     * The first key, in document order, whose value differs between two configurations written by
     * {@link #toYaml}/{@link #toYamlWithout}, as {@code key: <before> before, <after> now} (a key only one of them has
     * reads "(absent)" on the other side); empty when they are the same.
     */
    public static java.util.Optional<String> difference(String before, String after) {
        try {
            return difference("", YAML.readTree(before), YAML.readTree(after));
        } catch (JsonProcessingException e) {
            throw new KdException("a recorded configuration is not valid YAML: " + problem(e), e);
        }
    }

    private static java.util.Optional<String> difference(String key, JsonNode a, JsonNode b) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            Set<String> names = new java.util.LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                java.util.Optional<String> d = difference(key.isEmpty() ? name : key + "." + name, a.get(name), b.get(name));
                if (d.isPresent()) {
                    return d;
                }
            }
            return java.util.Optional.empty();
        }
        if (java.util.Objects.equals(a, b)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(key + ": " + shown(a) + " before, " + shown(b) + " now");
    }

    private static String shown(JsonNode value) {
        return value == null ? "(absent)" : value.isValueNode() ? value.asText() : value.toString();
    }

    private static ObjectNode defaultsTree() {
        return YAML.valueToTree(ExperimentConfig.defaults());
    }

    /**
     * Overlays {@code from} onto {@code into}: mappings merge key by key, other values replace. A list of sections
     * (e.g. {@code teachers}) is read entry by entry over the default entry found at the same place in
     * {@code defaults}, so an entry names only what differs. The dotted key of every value {@code from} sets (a
     * list's entries as {@code teachers[0].model.layers}) is added to {@code named}, under {@code prefix}.
     */
    private static void merge(ObjectNode into, ObjectNode from, JsonNode defaults, String prefix, Set<String> named) {
        Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode existing = into.get(field.getKey());
            JsonNode template = defaults == null ? null : defaults.get(field.getKey());
            if (existing instanceof ObjectNode target && field.getValue() instanceof ObjectNode source) {
                merge(target, source, template, key, named);
            } else if (template instanceof ArrayNode entries && !entries.isEmpty() && entries.get(0).isObject()
                    && field.getValue() instanceof ArrayNode items) {
                ArrayNode merged = into.arrayNode();
                for (JsonNode item : items) {
                    if (item instanceof ObjectNode object) {
                        ObjectNode entry = ((ObjectNode) entries.get(0)).deepCopy();
                        merge(entry, object, entries.get(0), key + "[" + merged.size() + "]", named);
                        merged.add(entry);
                    } else {
                        merged.add(item);
                    }
                }
                into.set(field.getKey(), merged);
            } else {
                into.set(field.getKey(), field.getValue());
                named.add(key);
            }
        }
    }

    private static Bound bind(ObjectNode tree, String source, List<String> overrides, Set<String> named) {
        Map<String, String> overridden = new HashMap<>();
        for (String override : overrides) {
            String key = applyOverride(tree, override);
            overridden.put(key, "--set " + override);
            named.add(key);
        }
        try {
            return new Bound(YAML.treeToValue(tree, ExperimentConfig.class),
                    unusedKeyNotes(tree, named, overridden, source));
        } catch (JsonProcessingException e) {
            throw translate(e, source, overridden);
        }
    }

    /**
     * One line for each key in {@code named} that its model section's architecture does not use: {@code layers}, other
     * than 1, in a {@code bilstm} section (whose depth is {@code lstm_layers}) or a {@code cnn} one (one layer of
     * convolutions). Each line names the dotted key, its value and where it was set ({@code overridden}'s entry for the
     * key, else {@code source}), in the keys' order. {@code tree} is the merged configuration.
     */
    private static List<String> unusedKeyNotes(JsonNode tree, Set<String> named, Map<String, String> overridden,
                                               String source) {
        Map<String, String> unused = new java.util.TreeMap<>();
        collectUnused(tree, "", named, unused);
        return unused.entrySet().stream()
                .map(e -> overridden.getOrDefault(e.getKey(), source) + ": " + e.getKey() + " = " + e.getValue())
                .toList();
    }

    /** Puts each unused key under {@code node} (at {@code prefix}) into {@code unused}: its value and why. */
    private static void collectUnused(JsonNode node, String prefix, Set<String> named, Map<String, String> unused) {
        if (node instanceof ObjectNode section && isModelSection(section)) {
            String type = section.path("type").asText("").toLowerCase(java.util.Locale.ROOT);
            String layersKey = prefix.isEmpty() ? "layers" : prefix + ".layers";
            int layers = section.path("layers").asInt(1);
            int lstmLayers = section.path("lstm_layers").asInt(1);
            if (named.contains(layersKey) && layers != 1) {
                if (type.equals("bilstm") && layers != lstmLayers) {
                    unused.put(layersKey, layers + " is not used: a bilstm's stacked layers are lstm_layers ("
                            + lstmLayers + " here); layers is a transformer's depth");
                } else if (type.equals("cnn")) {
                    unused.put(layersKey, layers + " is not used: a cnn has one layer of convolutions; layers"
                            + " is a transformer's depth");
                }
            }
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> collectUnused(f.getValue(),
                    prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), named, unused));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectUnused(node.get(i), prefix + "[" + i + "]", named, unused);
            }
        }
    }

    /** Applies {@code a.b.c=value} to the tree; returns the dotted key. Unknown keys are errors. */
    private static String applyOverride(ObjectNode tree, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw ConfigException.of("--set " + override, "expected dotted.key=value");
        }
        String key = override.substring(0, eq).trim();
        String text = override.substring(eq + 1);
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        JsonNode defaults = defaultsTree();
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode object)) {
                throw unknownKey("--set " + override, String.join(".", Arrays.copyOf(parts, i + 1)), node);
            }
            node = object;
            defaults = defaults == null ? null : defaults.get(parts[i]);
        }
        String leaf = parts[parts.length - 1];
        if (!node.has(leaf) && !optionalKeys(node).contains(leaf)) {
            throw unknownKey("--set " + override, key, node);
        }
        JsonNode value;
        try {
            value = text.isEmpty() ? YAML.getNodeFactory().textNode("") : YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw ConfigException.of("--set " + override, "value is not valid YAML: " + problem(e));
        }
        ObjectNode holder = node.objectNode();
        holder.set(leaf, value);
        merge(node, holder, defaults, "", new TreeSet<>());
        return key;
    }

    /**
     * The keys of {@code section} written only when set, which {@code --set} may name though they are absent: a model
     * section's {@link ModelConfig#OPTIONAL_KEYS}, a train section's {@link TrainConfig#OPTIONAL_KEYS}; else none.
     */
    private static Set<String> optionalKeys(ObjectNode section) {
        if (isModelSection(section)) {
            return ModelConfig.OPTIONAL_KEYS;
        }
        return isTrainSection(section) ? TrainConfig.OPTIONAL_KEYS : Set.of();
    }

    /** A {@code train:} section ({@link TrainConfig}), as a student's or a teacher's. */
    private static boolean isTrainSection(ObjectNode section) {
        return section.has("learning_rate") && section.has("clip_norm");
    }

    /** A {@code model:} section (a shape's flat keys), as a student's or a teacher's. */
    private static boolean isModelSection(ObjectNode section) {
        return section.has("type") && section.has("ffn");
    }

    private static ConfigException unknownKey(String source, String key, JsonNode siblings) {
        List<String> known = new ArrayList<>();
        siblings.fieldNames().forEachRemaining(known::add);
        if (siblings instanceof ObjectNode section) {
            optionalKeys(section).stream().sorted().forEach(known::add);
        }
        return ConfigException.of(source, "unknown key '" + key + "'; known keys here: " + String.join(", ", known));
    }

    private static KdException translate(JsonProcessingException e, String source, Map<String, String> overridden) {
        String path = e instanceof JsonMappingException m ? path(m.getPath()) : "";
        String where = overridden.getOrDefault(path, source);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException c) {
                String prefix = c.key() != null && path.endsWith("." + c.key()) || path.equals(c.key())
                        ? path.substring(0, Math.max(0, path.length() - c.key().length() - 1)) : path;
                String fullKey = prefix.isEmpty() ? c.key() : prefix + "." + c.key();
                return c.locate(overridden.getOrDefault(fullKey, source), prefix);
            }
            if (t instanceof KdException k) {
                return ConfigException.of(where, k.getMessage());
            }
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return ConfigException.of(source, "unknown key '" + path + "'"
                    + (parent.isEmpty() ? "" : " under '" + parent + "'") + "; known keys here: " + known);
        }
        if (e instanceof InvalidFormatException f) {
            String expected = f.getTargetType() != null && f.getTargetType().isEnum()
                    ? "one of " + Arrays.stream(f.getTargetType().getEnumConstants())
                            .map(c -> c.toString().toLowerCase()).collect(Collectors.joining(", "))
                    : "a value of type " + (f.getTargetType() == null ? "?" : f.getTargetType().getSimpleName());
            return ConfigException.of(where, path + " = '" + f.getValue() + "' is not valid; expected " + expected);
        }
        if (syntaxError(e) != null) { // the line and column say where; the key being read when the parser stopped would mislead
            return ConfigException.of(source, "not valid YAML: " + problem(e));
        }
        return ConfigException.of(where, (path.isEmpty() ? "" : path + ": ") + problem(e));
    }

    /**
     * A parse error in one line: where it is and what the parser expected and found, e.g. {@code line 1, column 3:
     * expected ',' or ']', but got <stream end> (while parsing a flow sequence from line 1, column 1)}.
     * SnakeYAML's own message spans several lines, with the offending line quoted and a caret under it.
     */
    static String problem(JsonProcessingException e) {
        MarkedYAMLException y = syntaxError(e);
        if (y != null && y.getProblemMark() != null) {
            Mark from = y.getContextMark();
            boolean elsewhere = from != null && (from.getLine() != y.getProblemMark().getLine()
                    || from.getColumn() != y.getProblemMark().getColumn());
            String context = y.getContext() == null ? "" : " (" + y.getContext() + (elsewhere ? " from " + at(from) : "") + ")";
            return at(y.getProblemMark()) + ": " + Messages.oneLine(y.getProblem()) + context;
        }
        String message = Messages.oneLine(e.getOriginalMessage());
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? message
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": " + message;
    }

    /** SnakeYAML's syntax error among {@code e}'s causes; null when {@code e} is not one. */
    private static MarkedYAMLException syntaxError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException y) {
                return y;
            }
        }
        return null;
    }

    private static String at(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** Task names in YAML: {@code SST-2}, {@code sst2}, ...; an unknown name lists the known ones. */
    private static final class TaskDeserializer extends StdDeserializer<GlueTask> {
        TaskDeserializer() {
            super(GlueTask.class);
        }

        @Override
        public GlueTask deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return GlueTask.parse(p.getValueAsString());
        }
    }
}
