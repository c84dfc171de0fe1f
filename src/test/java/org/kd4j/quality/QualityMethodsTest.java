package org.kd4j.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.kd4j.util.FileTrees;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.cli.CliRunner;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.run.RunDirectory;
import org.kd4j.testing.SyntheticSst2;
import org.kd4j.testing.TinyQualityPlans;

/**
 * Method cells end to end at tiny scale (native teachers and student, synthetic SST-2): a baseline ensemble cell and two
 * methods (an augmented transfer set of the training subset, the hidden loss), 2 seeds; the methods section of the
 * report with gains and verdicts computed here from the cells' own metrics; a second invocation that runs nothing and
 * reuses the transfer set; the report regenerated without running.
 */
class QualityMethodsTest {

    /** Two methods with the same augment settings share one transfer set: the report describes and times it once. */
    @Test
    void aTransferSetSharedByTwoMethodsIsReportedOnce(@TempDir Path root) throws Exception {
        Path plan = plan(root, "shared.yaml", """
                methods:
                  - name: augmented
                    augment: {factor: 3, seed: 7}
                  - name: augmented-hidden
                    augment: {factor: 3, seed: 7}
                    preset:
                      distill: {hidden_weight: 1.0}
                  - name: augmented-other
                    augment: {factor: 2, seed: 7}
                """);
        Path doc = root.resolve("quality.md");
        Files.writeString(doc, "# Q\n\n" + ReportFile.BEGIN + "\n" + ReportFile.END + "\n");

        CliRunner report = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--report-only", "--report", doc.toString());
        assertEquals(0, report.exitCode(), report.err());
        String text = Files.readString(doc);
        Matcher own = Pattern.compile("Method augmented's transfer set `(aug-[0-9a-f]{16}\\.tsv)` \\(factor 3, seed 7\\): not made yet")
                .matcher(text);
        assertTrue(own.find(), text);
        String file = own.group(1);
        assertTrue(text.contains("Method augmented-hidden reads method augmented's transfer set `" + file + "`."), text);
        assertTrue(text.contains("Method augmented-other's transfer set `aug-"), text);
        assertFalse(text.contains("Method augmented-other's transfer set `" + file), "other settings make another file\n" + text);
        // the time table: one row per file, the shared one under the method that made it
        assertEquals(2, Pattern.compile("(?m)^\\| SST-2 +\\| augmented transfer set of method ").matcher(text).results().count(), text);
        assertFalse(text.contains("augmented transfer set of method augmented-hidden"), text);
    }

    @Test
    void methodCellsRunSkipAndAreReportedAgainstTheirBaseline(@TempDir Path root) throws Exception {
        Path plan = plan(root, "methods.yaml", """
                methods:
                  - name: augmented
                    description: the augmented training subset
                    augment: {factor: 3, seed: 7}
                  - name: hidden
                    preset:
                      distill: {hidden_weight: 1.0}
                """);
        Path doc = root.resolve("quality.md");
        Files.writeString(doc, "# Q\n\n" + ReportFile.BEGIN + "\n" + ReportFile.END + "\n");

        CliRunner first = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--report", doc.toString(), "--no-progress");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("quality benchmark: 6 cell(s) run, 0 already done"), first.out());

        // the transfer set: the 40-row training subset augmented, recorded, read by the augmented cells only
        Path augmented;
        try (Stream<Path> files = Files.list(root.resolve("results/SST-2/augmented"))) {
            List<Path> sets = files.filter(f -> f.toString().endsWith(".tsv")).toList();
            assertEquals(1, sets.size(), sets.toString());
            augmented = sets.get(0);
        }
        AugmentedTransferSet set = AugmentedTransferSet.read(augmented).orElseThrow();
        assertEquals(40, set.trainRows());
        assertEquals(120, set.drawn());
        assertEquals(set.lines(), Files.readAllLines(augmented).size());
        assertTrue(set.lines() > 0 && set.seconds() > 0, set.toString());
        for (int seed = 1; seed <= 2; seed++) {
            ExperimentConfig aug = ConfigLoader.load(cellDir(root, "method-augmented", seed).resolve(RunDirectory.CONFIG), List.of());
            assertEquals(augmented.toString(), aug.data().transferFile());
            assertEquals(40, aug.data().trainLimit());
            ExperimentConfig hidden = ConfigLoader.load(cellDir(root, "method-hidden", seed).resolve(RunDirectory.CONFIG), List.of());
            assertEquals("", hidden.data().transferFile());
            assertEquals(1.0, hidden.distill().hiddenWeight());
        }

        // the methods section: baseline and methods per seed, from the cells' metrics
        String text = Files.readString(doc);
        assertTrue(text.contains("### Methods (issue 12)"), text);
        List<Double> baseline = List.of(accuracy(root, "ensemble-uniform", 1), accuracy(root, "ensemble-uniform", 2));
        assertTrue(row(text, "tiny", "baseline: distilled from the ensemble (uniform)", Summary.ofMetric(baseline).format(2),
                "", "", "", ""), text);
        for (String method : new String[] {"augmented", "hidden"}) {
            List<Double> values = List.of(accuracy(root, "method-" + method, 1), accuracy(root, "method-" + method, 2));
            double d1 = 100 * (values.get(0) - baseline.get(0));
            double d2 = 100 * (values.get(1) - baseline.get(1));
            double gain = (d1 + d2) / 2;
            double spread = Math.abs(d1 - d2) / Math.sqrt(2);
            String verdict = Math.abs(gain) <= spread ? "none" : gain > 0 ? "gain" : "loss";
            assertTrue(row(text, "tiny", method, Summary.ofMetric(values).format(2), String.format(Locale.ROOT, "%+.1f", gain),
                    String.format(Locale.ROOT, "%.1f", spread), "2", verdict), method + "\n" + text);
        }
        assertTrue(text.contains(String.format(Locale.ROOT, "Method augmented's transfer set `%s`: %,d lines", augmented.getFileName(),
                set.lines())), text);
        // the time table: each method's cells, and the transfer set
        assertTrue(Pattern.compile("(?m)^\\| SST-2 +\\| student tiny, method augmented +\\| 2 of 2 +\\| [0-9].*\\|$").matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^\\| SST-2 +\\| student tiny, all its cells but the methods' +\\| 2 of 2 +\\| [0-9].*\\|$")
                .matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^\\| SST-2 +\\| augmented transfer set of method augmented \\(" + Pattern.quote(
                augmented.getFileName().toString()) + "\\) +\\| - +\\| [0-9].*\\|$").matcher(text).find(), text);
        // no BiLSTM student in this plan: the issue's goal is not measured
        assertTrue(text.contains("Not yet measured: the plan has no BiLSTM student with an augmented-transfer-set method on"
                + " SST-2."), text);

        // a second invocation runs nothing and makes no new transfer set
        FileTime made = Files.getLastModifiedTime(augmented);
        CliRunner again = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--no-progress");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("quality benchmark: 0 cell(s) run, 6 already done"), again.out());
        assertEquals(made, Files.getLastModifiedTime(augmented));

        // the report regenerated from the finished cells, nothing run
        Files.writeString(doc, "# Q\n\n" + ReportFile.BEGIN + "\nold\n" + ReportFile.END + "\n");
        CliRunner report = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--report-only", "--report", doc.toString());
        assertEquals(0, report.exitCode(), report.err());
        assertTrue(report.out().contains("quality report: 6 of 6 cell(s) done, nothing run; report written to " + doc), report.out());
        String regenerated = Files.readString(doc);
        assertTrue(regenerated.contains("Generated by `bench quality --plan " + plan + " --report-only --report " + doc + "`"), regenerated);
        assertEquals(text.substring(text.indexOf("### Methods")), regenerated.substring(regenerated.indexOf("### Methods")));

        // a fresh clone: no results directory, only the results ledger; the same methods section, transfer set and times
        FileTrees.delete(root.resolve("results"));
        CliRunner fromLedger = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--report-only", "--report", doc.toString());
        assertEquals(0, fromLedger.exitCode(), fromLedger.err());
        assertTrue(fromLedger.out().contains("quality report: 6 of 6 cell(s) done"), fromLedger.out());
        String ledgered = Files.readString(doc);
        assertEquals(text.substring(text.indexOf("### Methods")), ledgered.substring(ledgered.indexOf("### Methods")));
    }

    /**
     * The ledger keeps the teachers' receipts and logits (never their models): a fresh clone, with no results directory
     * and no cache, runs new soft-label cells, the augmented one included, without training the teachers again, and its
     * cells see the same teachers.
     */
    @Test
    void aFreshCloneRunsNewCellsOnTheLedgersTeacherLogitsWithoutTrainingTheTeachers(@TempDir Path root) throws Exception {
        Path plan = plan(root, "ledger.yaml", """
                methods:
                  - name: augmented
                    augment: {factor: 3, seed: 7}
                """);
        CliRunner first = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--seeds", "1", "--no-progress");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("quality benchmark: 2 cell(s) run, 0 already done"), first.out());
        Path teachers = root.resolve("ledger/SST-2/teachers");
        assertEquals(2, count(teachers, ".json"), "a receipt per teacher");
        assertEquals(0, count(teachers, ".kdm"), "no model in the ledger");
        assertEquals(6, count(teachers.resolve("logits"), ".logits"), "train, dev and transfer logits of each teacher");

        Path preparation = root.resolve("ledger/SST-2/teachers.json");
        String fineTuned = Files.readString(preparation);
        assertTrue(fineTuned.contains("\"trained_here\" : true"), fineTuned);

        FileTrees.delete(root.resolve("results"));
        FileTrees.delete(root.resolve("cache"));
        CliRunner fresh = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--seeds", "2", "--no-progress");
        assertEquals(0, fresh.exitCode(), fresh.err());
        assertTrue(fresh.out().contains("quality benchmark: 2 cell(s) run, 0 already done"), fresh.out());
        assertEquals(0, count(root.resolve("cache/teachers"), ".kdm"), "no teacher trained again");
        assertEquals(6, count(teachers.resolve("logits"), ".logits"), "no new logits");
        assertEquals(fineTuned, Files.readString(preparation), "the record of the fine-tuning is kept, not replaced by the"
                + " fresh clone's few seconds");
        assertFalse(Files.exists(root.resolve("results/SST-2/teachers.json")), "nothing to record: the ledger's record holds");
        ObjectMapper json = new ObjectMapper();
        for (String cell : List.of("ensemble-uniform", "method-augmented")) {
            var one = json.readTree(root.resolve("ledger/SST-2/tiny").resolve(cell).resolve("seed-1.json").toFile());
            var two = json.readTree(root.resolve("ledger/SST-2/tiny").resolve(cell).resolve("seed-2.json").toFile());
            assertEquals(one.get("teachers"), two.get("teachers"), cell);
            assertEquals(one.get("teacher_models"), two.get("teacher_models"), cell);
            assertEquals(one.get("ensemble"), two.get("ensemble"), cell);
        }
    }

    private static long count(Path dir, String suffix) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).count();
        }
    }

    /**
     * A method that co-finetunes the teachers (teacher_stage.training: cofinetuned) runs its cells on a co-finetuned pair
     * cached beside the separate pair, while the baseline's teachers stay the separately trained ones.
     */
    @Test
    void aCofinetunedMethodTrainsTheTeachersTogetherForItsCellsOnly(@TempDir Path root) throws Exception {
        Path data = TinyQualityPlans.sst2Data(root);
        Path plan = root.resolve("cofinetuned.yaml");
        Files.writeString(plan, ("""
                results_dir: %s
                seeds: [1]
                cells: [ensemble]
                weightings: [uniform]
                method_weighting: uniform
                base:
                  data: {dir: %s, max_length: 16, batch_size: 16}
                  teachers: %s
                  distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5}
                  run: {cache_dir: %s}
                """ + TinyQualityPlans.SST2_TINY_STUDENT + """
                methods:
                  - name: cofinetuned
                    control: apart
                    preset:
                      teacher_stage: {training: cofinetuned}
                  - name: apart
                    preset:
                      teachers: %s
                """).formatted(root.resolve("results"), data, cofinetunable(1), root.resolve("cache"), cofinetunable(2)));
        Path doc = root.resolve("quality.md");
        Files.writeString(doc, "# Q\n\n" + ReportFile.BEGIN + "\n" + ReportFile.END + "\n");

        CliRunner run = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--report", doc.toString(), "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("quality benchmark: 3 cell(s) run, 0 already done"), run.out());

        ExperimentConfig method = ConfigLoader.load(cellDir(root, "method-cofinetuned", 1).resolve(RunDirectory.CONFIG), List.of());
        assertTrue(method.teacherStage().cofinetuned());
        ExperimentConfig baseline = ConfigLoader.load(cellDir(root, "ensemble-uniform", 1).resolve(RunDirectory.CONFIG), List.of());
        assertTrue(!baseline.teacherStage().cofinetuned());
        // two separate teachers (the baseline's) and two co-finetuned ones (the method's), each naming its partner
        List<org.kd4j.distill.TeacherProvenance> teachers;
        try (Stream<Path> files = Files.list(root.resolve("cache/teachers"))) {
            teachers = files.filter(f -> f.toString().endsWith(".kdm")).sorted()
                    .map(f -> org.kd4j.distill.TeacherProvenance.read(f).orElseThrow()).toList();
        }
        assertEquals(6, teachers.size(), teachers.toString());
        List<org.kd4j.distill.TeacherProvenance> joint = teachers.stream().filter(t -> "cofinetuned".equals(t.training())).toList();
        assertEquals(2, joint.size(), teachers.toString());
        for (org.kd4j.distill.TeacherProvenance t : joint) {
            assertEquals(List.of(t.name().equals("one") ? "two" : "one"), t.cofinetunedWith(), t.toString());
        }

        // the report: the method against its control seed by seed, and the teachers of each, from the cells' own rows
        String text = Files.readString(doc);
        double gain = 100 * (accuracy(root, "method-cofinetuned", 1) - accuracy(root, "method-apart", 1));
        assertTrue(row(text, "tiny", "cofinetuned vs its control apart", "", Summary.signed(gain), "-", "1",
                "not yet measured"), text);
        for (String name : List.of("one", "two")) {
            String plain = Summary.points(100 * teacherAccuracy(root, "ensemble-uniform", name));
            String together = Summary.points(100 * teacherAccuracy(root, "method-cofinetuned", name));
            String apart = Summary.points(100 * teacherAccuracy(root, "method-apart", name));
            String partner = name.equals("one") ? "two" : "one";
            assertTrue(Pattern.compile("(?m)^\\| the plan \\(baseline\\) +\\| " + name + " +\\| - +\\| apart +\\| +"
                    + Pattern.quote(plain) + " +\\| [0-9.]+ s +\\|$").matcher(text).find(), name + "\n" + text);
            assertTrue(Pattern.compile("(?m)^\\| method cofinetuned +\\| " + name + " +\\| - +\\| co-finetuned with " + partner
                    + " +\\| +" + Pattern.quote(together) + " +\\| [0-9.]+ s \\(the joint run\\) +\\|$").matcher(text).find(), name + "\n" + text);
            assertTrue(Pattern.compile("(?m)^\\| method apart +\\| " + name + " +\\| - +\\| apart +\\| +" + Pattern.quote(apart)
                    + " +\\| [0-9.]+ s +\\|$").matcher(text).find(), name + "\n" + text);
        }
        // the task's own table keeps the plan's teachers, whichever cells also have teachers of the same names
        for (String name : List.of("one", "two")) {
            assertTrue(Pattern.compile("(?m)^\\| teacher " + name + " +\\| +" + Pattern.quote(Summary.points(100 * teacherAccuracy(root,
                    "ensemble-uniform", name))) + " +\\|").matcher(text).find(), name + "\n" + text);
        }
    }

    /** Two tiny [CLS]-pooling transformer teachers, one and two, trained with {@code seed}: a YAML flow list. */
    private static String cofinetunable(int seed) {
        String teacher = "{name: %s, model: {type: transformer, layers: 1, hidden: 16, heads: %d, ffn: %d, max_positions: 32,"
                + " pooling: cls}, train: {epochs: 1, learning_rate: 0.005, seed: %d}}";
        return "[" + teacher.formatted("one", 2, 32, seed) + ", " + teacher.formatted("two", 4, 16, seed) + "]";
    }

    /** A teacher's own dev accuracy as a cell's metrics give it (its row "teacher NAME ..."). */
    private static double teacherAccuracy(Path root, String cell, String teacher) throws Exception {
        var rows = new ObjectMapper().readTree(cellDir(root, cell, 1).resolve(RunDirectory.METRICS).toFile()).get("rows");
        for (var r : rows) {
            if (r.get("name").asText().startsWith("teacher " + teacher + " ") || r.get("name").asText().equals("teacher " + teacher)) {
                return r.get("dev_accuracy").asDouble();
            }
        }
        throw new AssertionError(cell + ": no row for teacher " + teacher + " in " + rows);
    }

    private static Path cellDir(Path root, String cell, int seed) {
        return root.resolve("results/SST-2/tiny").resolve(cell).resolve("seed-" + seed);
    }

    /** The student's dev accuracy, from the cell's metrics (the last row). */
    private static double accuracy(Path root, String cell, int seed) throws Exception {
        var rows = new ObjectMapper().readTree(cellDir(root, cell, seed).resolve(RunDirectory.METRICS).toFile()).get("rows");
        return rows.get(rows.size() - 1).get("dev_accuracy").asDouble();
    }

    /** Whether the Markdown has a table row with exactly these cells (padding aside). */
    private static boolean row(String markdown, String... cells) {
        List<String> parts = new ArrayList<>();
        for (String cell : cells) {
            parts.add(cell.isEmpty() ? " +" : " +" + Pattern.quote(cell) + " +");
        }
        return Pattern.compile("(?m)^\\|" + String.join("\\|", parts) + "\\|$").matcher(markdown).find();
    }

    /**
     * Writes synthetic SST-2 under {@code root/data} and the tests' plan as {@code root/name}: two native teachers, a tiny
     * CNN student, 2 seeds, then {@code methods}.
     */
    private static Path plan(Path root, String name, String methods) throws java.io.IOException {
        Path data = root.resolve("data");
        SyntheticSst2.write(data, "train", 64, 1);
        SyntheticSst2.write(data, "dev", 24, 2);
        Path plan = root.resolve(name);
        return Files.writeString(plan, """
                results_dir: %s
                ledger_dir: %s
                seeds: [1, 2]
                cells: [ensemble]
                weightings: [uniform]
                method_weighting: uniform
                base:
                  data: {dir: %s, max_length: 16, batch_size: 16}
                  teachers:
                    - {name: cnn, model: {type: cnn, hidden: 16, ffn: 16}, train: {epochs: 2, learning_rate: 0.01}}
                    - name: small
                      model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32}
                      train: {epochs: 2, learning_rate: 0.005}
                  distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5}
                  run: {cache_dir: %s}
                tasks:
                  - task: SST-2
                    data: {train_limit: 40}
                students:
                  - name: tiny
                    student:
                      model: {type: cnn, hidden: 8, ffn: 8}
                      train: {epochs: 1, learning_rate: 0.01}
                """.formatted(root.resolve("results"), root.resolve("ledger"), data, root.resolve("cache")) + methods);
    }
}
