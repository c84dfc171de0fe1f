package org.kd4j.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.cli.CliRunner;
import org.kd4j.distill.TeacherProvenance;
import org.kd4j.model.TextClassifier;
import org.kd4j.run.RunDirectory;
import org.kd4j.testing.SyntheticSst2;
import org.kd4j.config.ConfigLoader;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The quality benchmark's machinery end to end at tiny scale: synthetic SST-2, a teacher fine-tuned from a real
 * pretrained encoder export (Tribuo's tiny BERT) and a native one, a native student and one made of the encoder's first
 * layer, every cell with 2 seeds; the report; a second invocation that skips everything; an interrupted cell re-run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QualityBenchmarkTest {

    private static final Path ONNX = Path.of("model-import/src/test/resources/fixtures/tribuo-tinybert/tinybert.onnx");
    private static final Path TOKENIZER = Path.of("model-import/src/test/resources/fixtures/tribuo-tinybert/tinybert-tokenizer.json");
    /** A 2-layer BERT classifier export over the same vocabulary (random weights): the init student keeps its first layer. */
    private static final Path TWO_LAYERS = Path.of("model-import/examples/random-bert-sst2/model.onnx");
    private static final String[] CELLS = {"cross-entropy", "teacher-tiny-bert", "teacher-cnn", "ensemble-uniform",
            "ensemble-confidence", "ensemble-teacher_loss"};

    @TempDir static Path root;
    static Path plan;
    static Path doc;
    static CliRunner first;

    @BeforeAll
    static void runOnce() throws Exception {
        Path data = root.resolve("data");
        SyntheticSst2.write(data, "train", 96, 1);
        SyntheticSst2.write(data, "dev", 32, 2);
        plan = root.resolve("tiny.yaml");
        Files.writeString(plan, """
                results_dir: %s
                seeds: [1, 2]
                cells: [cross_entropy, single_teacher, ensemble]
                weightings: [uniform, confidence, teacher_loss]
                save_models: true
                base:
                  data: {dir: %s, max_length: 24, batch_size: 16}
                  tokenizer: {vocab: %s}
                  teachers:
                    - name: tiny-bert
                      init: %s
                      pooling: mean
                      train: {epochs: 2, learning_rate: 0.001}
                    - name: cnn
                      model: {type: cnn, hidden: 16, ffn: 16}
                      train: {epochs: 2, learning_rate: 0.01}
                  distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5}
                  run: {cache_dir: %s}
                tasks:
                  - task: SST-2
                students:
                  - name: tiny
                    description: a 1-layer transformer
                    student:
                      model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32}
                      train: {epochs: 2, learning_rate: 0.005}
                  - name: bert-l1
                    description: the first of a 2-layer encoder's layers
                    student:
                      init: %s
                      init_layers: 1
                      train: {epochs: 1, learning_rate: 0.001}
                """.formatted(root.resolve("results"), data, TOKENIZER, ONNX, root.resolve("cache"), TWO_LAYERS));
        doc = root.resolve("quality.md");
        Files.writeString(doc, "# Quality\n\nIntro kept.\n\n" + ReportFile.BEGIN + "\nstale\n" + ReportFile.END + "\n\nOutro kept.\n");
        first = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--report", doc.toString(), "--no-progress");
    }

    private static Path cellDir(String student, String cell, int seed) {
        return root.resolve("results/SST-2").resolve(student).resolve(cell).resolve("seed-" + seed);
    }

    @Test
    @Order(1)
    void everyCellRunsOnceAndTheReportHasEveryNumber() throws Exception {
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("quality benchmark: 24 cell(s) run, 0 already done; report written to " + doc), first.out());
        String text = Files.readString(doc);
        assertTrue(text.startsWith("# Quality\n\nIntro kept.\n\n" + ReportFile.BEGIN + "\n"), text);
        assertTrue(text.endsWith(ReportFile.END + "\n\nOutro kept.\n"), text);
        assertFalse(text.contains("stale"), text);
        assertTrue(text.contains("24 of 24 cells done"), text);

        // each teacher fine-tuned once, shared by every cell through the cache
        try (Stream<Path> files = Files.list(root.resolve("cache/teachers"))) {
            assertEquals(List.of("cnn", "tiny-bert"), files.filter(f -> f.toString().endsWith(".kdm"))
                    .map(f -> f.getFileName().toString().replaceFirst("-[0-9a-f]{16}\\.kdm$", "")).sorted().toList());
        }
        ObjectMapper json = new ObjectMapper();
        for (String student : new String[] {"tiny", "bert-l1"}) {
            for (String cell : CELLS) {
                double[] values = new double[2];
                for (int seed = 1; seed <= 2; seed++) {
                    Path dir = cellDir(student, cell, seed);
                    assertTrue(new RunDirectory(dir).finished(), dir.toString());
                    assertTrue(Files.isRegularFile(dir.resolve(RunDirectory.MODEL)), dir.toString());
                    var metrics = json.readTree(dir.resolve(RunDirectory.METRICS).toFile());
                    var rows = metrics.get("rows");
                    values[seed - 1] = rows.get(rows.size() - 1).get("dev_accuracy").asDouble();
                    // the cell's run: its teachers, its variant, its seed
                    assertEquals(seed, ConfigLoader.load(dir.resolve(RunDirectory.CONFIG), List.of()).student().train().seed());
                    int teachers = cell.equals("cross-entropy") ? 0 : cell.startsWith("teacher-") ? 1 : 2;
                    assertEquals(teachers + (teachers > 0 ? 2 : 1), rows.size(), rows.toString());
                    assertTrue(CellRecord.read(dir).orElseThrow().seconds() > 0);
                }
                // mean and sample standard deviation, in points, computed here from the two runs
                double mean = 50 * (values[0] + values[1]);
                double std = Math.abs(100 * values[0] - 100 * values[1]) / Math.sqrt(2);
                String expected = String.format(Locale.ROOT, "%.1f ± %.1f", mean, std);
                String column = student.equals("tiny") ? "(?m)^\\| %s +\\| %s +\\|" : "(?m)^\\| %s +\\| [^|]+ \\| %s +\\|";
                assertTrue(Pattern.compile(column.formatted(Pattern.quote(new Cell(kind(cell), teacher(cell), weighting(cell)).label()),
                        Pattern.quote(expected))).matcher(text).find(), student + " " + cell + ": " + expected + "\n" + text);
            }
        }
        // the student made of the encoder's first layer
        TextClassifier initStudent = TextClassifier.load(cellDir("bert-l1", "cross-entropy", 1).resolve(RunDirectory.MODEL));
        assertEquals(1, initStudent.config().flat().layers());
        assertEquals(32, initStudent.config().hidden());

        // the teachers' own scores and their fine-tuning times, from the provenance files next to the cached models
        for (String teacher : new String[] {"tiny-bert", "cnn"}) {
            Path model;
            try (Stream<Path> files = Files.list(root.resolve("cache/teachers"))) {
                model = files.filter(f -> f.getFileName().toString().startsWith(teacher + "-") && f.toString().endsWith(".kdm"))
                        .findFirst().orElseThrow();
            }
            double seconds = TeacherProvenance.read(model).orElseThrow().trainSeconds();
            assertTrue(Pattern.compile("(?m)^\\| teacher " + teacher + " +\\| +[0-9.]+ \\| " + Pattern.quote(org.kd4j.util.Durations.compact(seconds))
                    + " +\\|").matcher(text).find(), teacher + "\n" + text);
            assertTrue(Pattern.compile("(?m)^\\| SST-2 +\\| teacher " + teacher + " fine-tuning +\\| - +\\| "
                    + Pattern.quote(org.kd4j.util.Durations.compact(seconds)) + " +\\|").matcher(text).find(), text);
        }
        for (String w : new String[] {"uniform", "confidence", "teacher_loss"}) {
            assertTrue(Pattern.compile("(?m)^\\| ensemble \\(" + w + "\\) +\\| +[0-9.]+ \\| - +\\|").matcher(text).find(), w + "\n" + text);
        }
        assertTrue(Pattern.compile("(?m)^\\| SST-2 +\\| student tiny, all its cells +\\| 12 of 12 +\\| [0-9].*\\|$").matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^\\| SST-2 +\\| teachers scoring the data once +\\| - +\\| [0-9].*\\|$")
                .matcher(text).find(), text);

        // every goal is judged (met or missed): every cell of the one task is done
        String goals = text.substring(text.indexOf("### Goals"));
        for (String goal : new String[] {"1. ", "2. ", "3. "}) {
            assertTrue(goals.contains(goal), goals);
        }
        Matcher statuses = Pattern.compile("(?m)\\| (met|missed|not yet measured) +\\|$").matcher(goals);
        int judged = 0;
        while (statuses.find()) {
            assertFalse(statuses.group(1).equals("not yet measured"), goals);
            judged++;
        }
        // goals 1 and 2: 2 students x 3 weightings; goal 3: the initialised student x 3 weightings
        assertEquals(6 + 6 + 3, judged, goals);
    }

    @Test
    @Order(2)
    void aSecondInvocationSkipsFinishedCellsAndRerunsAnInterruptedOne() throws Exception {
        assertEquals(0, first.exitCode(), first.err());
        Map<Path, FileTime> stamps = new LinkedHashMap<>();
        for (String student : new String[] {"tiny", "bert-l1"}) {
            for (String cell : CELLS) {
                for (int seed = 1; seed <= 2; seed++) {
                    Path model = cellDir(student, cell, seed).resolve(RunDirectory.MODEL);
                    stamps.put(model, Files.getLastModifiedTime(model));
                }
            }
        }
        CliRunner again = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--no-progress");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("quality benchmark: 0 cell(s) run, 24 already done"), again.out());
        assertTrue(again.out().contains("24 of 24 cells done"), "the report on stdout\n" + again.out());
        for (Map.Entry<Path, FileTime> e : stamps.entrySet()) {
            assertEquals(e.getValue(), Files.getLastModifiedTime(e.getKey()), e.getKey().toString());
        }

        // one cell lost its metrics, another is marked unfinished (interrupted while being written)
        Path lost = cellDir("tiny", "ensemble-confidence", 2);
        Files.delete(lost.resolve(RunDirectory.METRICS));
        Path interrupted = cellDir("bert-l1", "teacher-cnn", 1);
        Files.writeString(interrupted.resolve(RunDirectory.UNFINISHED), "");
        CliRunner dry = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--dry-run", "--students", "tiny");
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().contains("12 cell(s): 11 done, 1 to run"), dry.out());
        assertTrue(Pattern.compile("(?m)^\\| SST-2 +\\| tiny +\\| ensemble-confidence +\\| +2 \\| unfinished +\\|").matcher(dry.out()).find(),
                dry.out());
        assertTrue(Pattern.compile("(?m)^\\| SST-2 +\\| tiny +\\| ensemble-uniform +\\| +2 \\| done \\([0-9.]+ s\\) +\\|").matcher(dry.out()).find(),
                dry.out());

        CliRunner third = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--no-progress");
        assertEquals(0, third.exitCode(), third.err());
        assertTrue(third.out().contains("quality benchmark: 2 cell(s) run, 22 already done"), third.out());
        for (Map.Entry<Path, FileTime> e : stamps.entrySet()) {
            boolean rerun = e.getKey().startsWith(lost) || e.getKey().startsWith(interrupted);
            assertEquals(!rerun, e.getValue().equals(Files.getLastModifiedTime(e.getKey())), e.getKey().toString());
        }
        assertTrue(new RunDirectory(lost).finished());
        assertTrue(new RunDirectory(interrupted).finished());
        assertFalse(Files.exists(interrupted.resolve(RunDirectory.UNFINISHED)));

        // the plan edited: the cells whose run it changes are stale and would run again, the others stay done
        Path edited = root.resolve("edited.yaml");
        Files.writeString(edited, Files.readString(plan).replace("train: {epochs: 2, learning_rate: 0.005}",
                "train: {epochs: 2, learning_rate: 0.004}"));
        CliRunner stale = CliRunner.run("bench", "quality", "--plan", edited.toString(), "--dry-run");
        assertEquals(0, stale.exitCode(), stale.err());
        assertTrue(stale.out().contains("24 cell(s): 12 done, 12 to run"), stale.out());
        assertEquals(12, stale.out().lines().filter(l -> l.matches("\\| SST-2 +\\| tiny +\\|.*\\| stale +\\|.*")).count(), stale.out());
    }

    private static CellKind kind(String cell) {
        return cell.equals("cross-entropy") ? CellKind.CROSS_ENTROPY : cell.startsWith("teacher-") ? CellKind.SINGLE_TEACHER
                : CellKind.ENSEMBLE;
    }

    private static String teacher(String cell) {
        return cell.startsWith("teacher-") ? cell.substring("teacher-".length()) : "";
    }

    private static org.kd4j.config.WeightingScheme weighting(String cell) {
        return cell.startsWith("ensemble-") ? org.kd4j.config.WeightingScheme.valueOf(
                cell.substring("ensemble-".length()).toUpperCase(Locale.ROOT)) : null;
    }
}
