package org.kd4j.hpo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.kd4j.KdException;
import org.kd4j.eval.MarkdownTable;
import org.kd4j.util.AtomicFiles;

/**
 * Writes a sweep's results into its directory and reads them back.
 *
 * <p>{@link #write} produces, each file replaced atomically ({@link AtomicFiles}):
 * <ul>
 *   <li>{@code results.json}: the source of truth, read back by {@link #read}: objective, direction, dimension
 *       keys and every {@link TrialRecord} in the order given. Swept values carry their type
 *       ({@code {"type": "double" | "int" | "string", "value": ...}}) so a {@code 2.0} stays a Double and a
 *       {@code 2} an Integer; non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"},
 *       {@code "-Infinity"}.</li>
 *   <li>{@code results.csv}: {@code rank,trial,<dimension keys>,<objective>,<metric keys, sorted>,seconds,status,
 *       message}, best trial first, failed trials last (their rank and score empty); numbers at full precision;
 *       RFC 4180 quoting.</li>
 *   <li>{@code results.md}: a summary line and the same table, numbers rounded for reading, and the plots.</li>
 *   <li>{@code plots/score-vs-<key>.png}: one scatter plot per dimension ({@link ScorePlot}).</li>
 * </ul>
 * A metric named like the objective is not repeated as a metric column.
 */
public final class SweepResults {

    public static final String JSON_FILE = "results.json";
    public static final String CSV_FILE = "results.csv";
    public static final String MARKDOWN_FILE = "results.md";
    public static final String PLOTS_DIR = "plots";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepResults() {
    }

    /**
     * Writes {@code results.json}, {@code results.csv}, {@code results.md} and {@code plots/} into
     * {@code sweepDir} (created if needed).
     *
     * @param dimensionKeys the swept keys, in the order of the table's columns (one plot each)
     * @param objectiveName what {@link TrialRecord#score()} measures, e.g. {@code dev_accuracy}
     * @param maximize whether a higher score is better
     * @throws UncheckedIOException naming the file that could not be written
     */
    public static void write(Path sweepDir, List<String> dimensionKeys, String objectiveName, boolean maximize,
                             List<TrialRecord> trials) {
        Objects.requireNonNull(sweepDir, "sweepDir");
        Objects.requireNonNull(objectiveName, "objectiveName");
        List<String> dims = List.copyOf(dimensionKeys);
        if (new HashSet<>(dims).size() != dims.size()) {
            throw new IllegalArgumentException("dimension keys repeat: " + dims);
        }
        List<TrialRecord> given = List.copyOf(trials);
        Set<Integer> indices = new HashSet<>();
        for (TrialRecord t : given) {
            if (!indices.add(t.index())) {
                throw new IllegalArgumentException("trial index " + t.index() + " appears twice");
            }
        }
        List<TrialRecord> ranked = ranked(given, maximize);
        List<String> metricKeys = metricKeys(given, objectiveName);
        Map<String, String> plotFiles = plotFileNames(dims);

        writeText(sweepDir.resolve(JSON_FILE), json(dims, objectiveName, maximize, given));
        writeText(sweepDir.resolve(CSV_FILE), csv(dims, objectiveName, metricKeys, ranked));
        writeText(sweepDir.resolve(MARKDOWN_FILE),
                markdown(dims, objectiveName, maximize, metricKeys, ranked, plotFiles));
        Optional<TrialRecord> best = best(given, maximize);
        for (String key : dims) {
            Path png = sweepDir.resolve(PLOTS_DIR).resolve(plotFiles.get(key));
            try {
                AtomicFiles.write(png, out -> ScorePlot.writePng(ScorePlot.draw(objectiveName, key, given, best), out));
            } catch (IOException e) {
                throw new UncheckedIOException("writing " + png, e);
            }
        }
    }

    /**
     * Reads the trials of {@code sweepDir/results.json} in the order they were written; an empty list when the
     * file does not exist.
     *
     * @throws KdException naming the file when it is not valid JSON or not a results file
     */
    public static List<TrialRecord> read(Path sweepDir) {
        Path file = sweepDir.resolve(JSON_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException absent) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new KdException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        if (root == null || !root.isObject()) {
            throw new KdException(file + ": expected a JSON object, found " + describe(root));
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isInt() || format.intValue() != FORMAT) {
            throw new KdException(file + ": format: expected " + FORMAT + ", found " + describe(format));
        }
        JsonNode trialsNode = root.get("trials");
        if (trialsNode == null || !trialsNode.isArray()) {
            throw new KdException(file + ": trials: expected an array, found " + describe(trialsNode));
        }
        List<TrialRecord> trials = new ArrayList<>();
        for (int i = 0; i < trialsNode.size(); i++) {
            trials.add(trial(file, "trials[" + i + "]", trialsNode.get(i)));
        }
        return List.copyOf(trials);
    }

    /** The OK trial with the best score (ties: the lowest index); empty when no trial succeeded. */
    public static Optional<TrialRecord> best(List<TrialRecord> trials, boolean maximize) {
        return trials.stream().filter(TrialRecord::isOk).min(order(maximize));
    }

    /** The trials best first (descending score when maximizing), ties by index, failed trials last by index. */
    public static List<TrialRecord> ranked(List<TrialRecord> trials, boolean maximize) {
        return trials.stream().sorted(order(maximize)).toList();
    }

    private static Comparator<TrialRecord> order(boolean maximize) {
        Comparator<TrialRecord> byScore = Comparator.comparingDouble(TrialRecord::score);
        return Comparator.comparing((TrialRecord t) -> !t.isOk())
                .thenComparing((a, b) -> a.isOk() ? (maximize ? byScore.reversed() : byScore).compare(a, b) : 0)
                .thenComparingInt(TrialRecord::index);
    }

    // ---- JSON ----

    private static String json(List<String> dims, String objective, boolean maximize, List<TrialRecord> trials) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("objective", objective);
        root.put("maximize", maximize);
        ArrayNode dimsNode = root.putArray("dimensions");
        dims.forEach(dimsNode::add);
        ArrayNode arr = root.putArray("trials");
        for (TrialRecord t : trials) {
            ObjectNode n = arr.addObject();
            n.put("index", t.index());
            n.put("status", t.status().name());
            putDouble(n, "score", t.score());
            putDouble(n, "seconds", t.seconds());
            n.put("message", t.message());
            ObjectNode values = n.putObject("values");
            for (Map.Entry<String, Object> e : t.values().entrySet()) {
                ObjectNode v = values.putObject(e.getKey());
                if (e.getValue() instanceof Double d) {
                    v.put("type", "double");
                    putDouble(v, "value", d);
                } else if (e.getValue() instanceof Integer i) {
                    v.put("type", "int");
                    v.put("value", i);
                } else {
                    v.put("type", "string");
                    v.put("value", (String) e.getValue());
                }
            }
            ObjectNode metrics = n.putObject("metrics");
            t.metrics().forEach((k, v) -> putDouble(metrics, k, v));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of plain values failed to serialise", e);
        }
    }

    private static void putDouble(ObjectNode node, String field, double v) {
        if (Double.isFinite(v)) {
            node.put(field, v);
        } else {
            node.put(field, Double.toString(v));
        }
    }

    private static TrialRecord trial(Path file, String where, JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new KdException(file + ": " + where + ": expected an object, found " + describe(n));
        }
        JsonNode index = n.get("index");
        if (index == null || !index.canConvertToInt() || !index.isIntegralNumber()) {
            throw new KdException(file + ": " + where + ".index: expected an integer, found " + describe(index));
        }
        String statusText = text(file, where + ".status", n.get("status"));
        TrialRecord.Status status;
        try {
            status = TrialRecord.Status.valueOf(statusText);
        } catch (IllegalArgumentException e) {
            throw new KdException(file + ": " + where + ".status: expected OK or FAILED, found " + statusText, e);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(file, where + ".values", n.get("values")).fields();
             it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = where + ".values." + e.getKey();
            JsonNode v = object(file, at, e.getValue());
            String type = text(file, at + ".type", v.get("type"));
            JsonNode value = v.get("value");
            values.put(e.getKey(), switch (type) {
                case "double" -> number(file, at + ".value", value);
                case "int" -> {
                    if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
                        throw new KdException(file + ": " + at + ".value: expected an int, found " + describe(value));
                    }
                    yield value.intValue();
                }
                case "string" -> text(file, at + ".value", value);
                default -> throw new KdException(file + ": " + at + ".type: expected double, int or string, found "
                        + type);
            });
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(file, where + ".metrics", n.get("metrics")).fields();
             it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            metrics.put(e.getKey(), number(file, where + ".metrics." + e.getKey(), e.getValue()));
        }
        try {
            return new TrialRecord(index.intValue(), values, number(file, where + ".score", n.get("score")), metrics,
                    number(file, where + ".seconds", n.get("seconds")), status,
                    text(file, where + ".message", n.get("message")));
        } catch (IllegalArgumentException e) {
            throw new KdException(file + ": " + where + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode object(Path file, String where, JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new KdException(file + ": " + where + ": expected an object, found " + describe(n));
        }
        return n;
    }

    private static String text(Path file, String where, JsonNode n) {
        if (n == null || !n.isTextual()) {
            throw new KdException(file + ": " + where + ": expected a string, found " + describe(n));
        }
        return n.textValue();
    }

    private static double number(Path file, String where, JsonNode n) {
        if (n != null && n.isNumber()) {
            return n.doubleValue();
        }
        if (n != null && n.isTextual()) {
            switch (n.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new KdException(file + ": " + where + ": expected a number, found " + describe(n));
    }

    private static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        String s = n.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** The columns shared by the CSV and Markdown tables. */
    private static List<String> header(List<String> dims, String objective, List<String> metricKeys) {
        List<String> header = new ArrayList<>(List.of("rank", "trial"));
        header.addAll(dims);
        header.add(objective);
        header.addAll(metricKeys);
        header.addAll(List.of("seconds", "status", "message"));
        return header;
    }

    // ---- CSV ----

    private static String csv(List<String> dims, String objective, List<String> metricKeys,
                              List<TrialRecord> ranked) {
        StringBuilder sb = new StringBuilder();
        List<String> header = header(dims, objective, metricKeys);
        csvLine(sb, header);
        int rank = 0;
        for (TrialRecord t : ranked) {
            List<String> row = new ArrayList<>();
            row.add(t.isOk() ? Integer.toString(++rank) : "");
            row.add(Integer.toString(t.index()));
            for (String key : dims) {
                Object v = t.values().get(key);
                row.add(v == null ? "" : String.valueOf(v));
            }
            row.add(Double.isNaN(t.score()) ? "" : Double.toString(t.score()));
            for (String key : metricKeys) {
                Double v = t.metrics().get(key);
                row.add(v == null ? "" : Double.toString(v));
            }
            row.add(Double.toString(t.seconds()));
            row.add(t.status().name());
            row.add(t.message());
            csvLine(sb, row);
        }
        return sb.toString();
    }

    private static void csvLine(StringBuilder sb, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(csvField(fields.get(i)));
        }
        sb.append('\n');
    }

    /** RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled. */
    static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    // ---- Markdown ----

    private static String markdown(List<String> dims, String objective, boolean maximize, List<String> metricKeys,
                                   List<TrialRecord> ranked, Map<String, String> plotFiles) {
        List<String> header = header(dims, objective, metricKeys);
        MarkdownTable table = new MarkdownTable(header.stream().map(SweepResults::mdCell).toArray(String[]::new));
        int rank = 0;
        for (TrialRecord t : ranked) {
            List<String> row = new ArrayList<>();
            row.add(t.isOk() ? Integer.toString(++rank) : "-");
            row.add(Integer.toString(t.index()));
            for (String key : dims) {
                Object v = t.values().get(key);
                row.add(v == null ? "" : v instanceof Double d ? formatNumber(d) : mdCell(String.valueOf(v)));
            }
            row.add(Double.isNaN(t.score()) ? "-" : fixed(t.score(), 4));
            for (String key : metricKeys) {
                Double v = t.metrics().get(key);
                row.add(v == null ? "" : fixed(v, 4));
            }
            row.add(fixed(t.seconds(), 1));
            row.add(t.status().name());
            row.add(mdCell(t.message()));
            table.row(row.toArray());
        }
        long failed = ranked.stream().filter(t -> !t.isOk()).count();
        StringBuilder sb = new StringBuilder("# Sweep results\n\n");
        sb.append("Objective: `").append(objective).append("` (").append(maximize ? "maximize" : "minimize")
                .append("). ").append(ranked.size()).append(ranked.size() == 1 ? " trial, " : " trials, ")
                .append(failed).append(" failed.");
        best(ranked, maximize).ifPresent(b -> sb.append(" Best: trial ").append(b.index()).append(", ")
                .append(objective).append(' ').append(fixed(b.score(), 4)).append('.'));
        sb.append("\n\n").append(table);
        if (!dims.isEmpty()) {
            sb.append("\n## Plots\n\n");
            for (String key : dims) {
                sb.append("![").append(mdCell(objective + " vs " + key)).append("](").append(PLOTS_DIR).append('/')
                        .append(plotFiles.get(key)).append(")\n");
            }
        }
        return sb.toString();
    }

    /** A table cell on one line, its pipes escaped. */
    private static String mdCell(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').replace("|", "\\|");
    }

    private static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : Double.toString(v);
    }

    /**
     * A swept value or axis tick for reading: compact scientific below 1e-2 and from 1e5 ({@code 3.2e-04}),
     * otherwise at most 4 decimals without trailing zeros ({@code 0.1}, {@code 2}, {@code 0.3333}).
     */
    static String formatNumber(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-2 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        String s = BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    // ---- file names ----

    /** {@code score-vs-<key>.png}, characters outside [A-Za-z0-9._-] replaced by '_', clashes numbered. */
    static Map<String, String> plotFileNames(List<String> dims) {
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (String key : dims) {
            String base = "score-vs-" + key.replaceAll("[^A-Za-z0-9._-]", "_");
            String name = base + ".png";
            for (int n = 2; !used.add(name); n++) {
                name = base + "-" + n + ".png";
            }
            names.put(key, name);
        }
        return names;
    }

    private static List<String> metricKeys(List<TrialRecord> trials, String objective) {
        TreeSet<String> keys = new TreeSet<>();
        trials.forEach(t -> keys.addAll(t.metrics().keySet()));
        keys.remove(objective);
        return List.copyOf(keys);
    }

    private static void writeText(Path file, String text) {
        try {
            AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
