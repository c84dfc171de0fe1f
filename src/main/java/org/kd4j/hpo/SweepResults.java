package org.kd4j.hpo;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
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
import org.kd4j.plot.ScatterPlot;
import org.kd4j.util.AtomicFiles;

/**
 * Writes a sweep's results into its directory and reads them back.
 *
 * <p>{@link #write} produces, each file replaced atomically ({@link AtomicFiles}):
 * <ul>
 *   <li>{@code results.json}: the source of truth, read back by {@link #read}: objective, direction, dimension
 *       keys and every {@link TrialRecord} in the order given, bound to records by Jackson. Swept values carry
 *       their type ({@code {"type": "double" | "int" | "string", "value": ...}}, one per {@link TrialValue} kind)
 *       so a {@code 2.0} stays a real number and a {@code 2} an integer; non-finite numbers are written as the
 *       strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.</li>
 *   <li>{@code results.csv}: {@code rank,trial,<dimension keys>,<objective>,<metric keys, sorted>,seconds,status,
 *       message}, best trial first, failed trials last (their rank and score empty); numbers at full precision;
 *       RFC 4180 quoting.</li>
 *   <li>{@code results.md}: a summary line and the same table, numbers rounded for reading, and the plots.</li>
 *   <li>{@code plots/score-vs-<key>.png}: one scatter plot per dimension ({@link SweepPlots}, drawn by
 *       {@link ScatterPlot}).</li>
 * </ul>
 * A metric named like the objective is not repeated as a metric column.
 */
public final class SweepResults {

    public static final String JSON_FILE = "results.json";
    public static final String CSV_FILE = "results.csv";
    public static final String MARKDOWN_FILE = "results.md";
    public static final String PLOTS_DIR = "plots";
    private static final int FORMAT = 1;
    /** Strict both ways: every field present, no unknown or repeated field, no float read as an int. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .addMixIn(TrialRecord.class, TrialRecordJson.class)
            .addMixIn(TrialValue.class, TrialValueJson.class)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // a number stays a number and a string a string ("NaN" and "Infinity" are still read as doubles)
            .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

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
                ScatterPlot.write(SweepPlots.scoreAgainst(key, objectiveName, given, best), png);
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
        try {
            return JSON.treeToValue(root, ResultsFile.class).trials();
        } catch (JsonMappingException e) {
            throw new KdException(file + ": " + problem(e), e);
        } catch (JsonProcessingException e) {
            throw new KdException(file + ": " + e.getOriginalMessage(), e);
        }
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

    /** {@code results.json}: the file's records, bound by Jackson ({@link #JSON}). */
    private record ResultsFile(int format, String objective, boolean maximize, List<String> dimensions,
                               List<TrialRecord> trials) {}

    /** How a {@link TrialRecord} is written: fields in this order; {@code isOk()} is not a field. */
    @JsonPropertyOrder({"index", "status", "score", "seconds", "message", "values", "metrics"})
    private interface TrialRecordJson {
        @JsonIgnore
        boolean isOk();
    }

    /** How a {@link TrialValue} is written: {@code {"type": "double" | "int" | "string", "value": ...}}. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = TrialValue.Real.class, name = "double"),
            @JsonSubTypes.Type(value = TrialValue.Int.class, name = "int"),
            @JsonSubTypes.Type(value = TrialValue.Choice.class, name = "string")})
    private interface TrialValueJson {}

    private static String json(List<String> dims, String objective, boolean maximize, List<TrialRecord> trials) {
        try {
            return JSON.writeValueAsString(new ResultsFile(FORMAT, objective, maximize, dims, trials)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sweep results of plain values failed to serialise", e);
        }
    }

    /** What went wrong binding {@code results.json}, with the path of the field, e.g. {@code trials[0].score}. */
    private static String problem(JsonMappingException e) {
        String path = path(e.getPath());
        if (e instanceof InvalidTypeIdException t) {
            return path + ".type: expected double, int or string, found "
                    + (t.getTypeId() == null ? "nothing" : t.getTypeId());
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return path + ": " + e.getCause().getMessage();
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            return path + ": expected one of " + Arrays.toString(f.getTargetType().getEnumConstants())
                    + ", found " + f.getValue();
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return path + ": expected " + m.getTargetType().getSimpleName() + " (" + e.getOriginalMessage() + ")";
        }
        return path + ": " + e.getOriginalMessage();
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() > 0 ? "." : "").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(top level)" : sb.toString();
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
                TrialValue v = t.values().get(key);
                row.add(v == null ? "" : v.text());
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
                TrialValue v = t.values().get(key);
                row.add(v == null ? "" : v instanceof TrialValue.Real r ? formatNumber(r.value()) : mdCell(v.text()));
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

    /**
     * The trials a sweep would run ({@code sweep --dry-run}), in order: each one's values, and for those recorded
     * already their status and score.
     */
    public static String plannedTable(List<String> dims, String objective, List<Sweep.PlannedTrial> trials) {
        List<String> header = new ArrayList<>(List.of("trial"));
        header.addAll(dims);
        header.addAll(List.of("status", objective));
        MarkdownTable table = new MarkdownTable(header.stream().map(SweepResults::mdCell).toArray(String[]::new));
        for (Sweep.PlannedTrial t : trials) {
            List<String> row = new ArrayList<>();
            row.add(Integer.toString(t.index()));
            for (String key : dims) {
                TrialValue v = t.values().get(key);
                row.add(v == null ? "" : v instanceof TrialValue.Real r ? formatNumber(r.value()) : mdCell(v.text()));
            }
            row.add(t.recorded().map(r -> r.isOk() ? "done" : "failed").orElse("to run"));
            row.add(t.recorded().filter(TrialRecord::isOk).map(r -> fixed(r.score(), 4)).orElse("-"));
            table.row(row.toArray());
        }
        return table.toString();
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
