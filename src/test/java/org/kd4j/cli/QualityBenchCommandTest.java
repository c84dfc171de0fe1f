package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench quality}: the dry run of the committed plan, and bad input as one line with exit code 1 or 2. */
class QualityBenchCommandTest {

    /** The committed plan with its results under {@code dir}, so that no real benchmark's results are seen. */
    private static Path plan(Path dir) throws Exception {
        Path plan = dir.resolve("glue5.yaml");
        Files.writeString(plan, Files.readString(Path.of("hparams/quality/glue5.yaml"))
                .replace("results_dir: runs/quality", "results_dir: " + dir.resolve("results"))
                .replace("ledger_dir: docs/quality-results/glue5", "ledger_dir: " + dir.resolve("ledger")));
        return plan;
    }

    @Test
    void dryRunListsTheSelectedCells(@TempDir Path dir) throws Exception {
        Path plan = plan(dir);
        CliRunner all = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--dry-run");
        assertEquals(0, all.exitCode(), all.err());
        assertTrue(all.out().contains("390 cell(s): 0 done, 390 to run"), all.out());
        assertTrue(all.out().contains("no estimate for the 390 cell(s) to run: none has a finished peer"), all.out());
        assertTrue(all.out().matches("(?s).*\\| SST-2 +\\| bilstm +\\| method-augmented +\\| +3 \\| to run +\\| .*"), all.out());

        // the methods alone, with their baseline cells: SST-2 and MRPC x 3 seeds x (sead: ensemble-uniform, augmented,
        // hidden, layers; bilstm: ensemble-uniform, augmented, hidden)
        CliRunner methods = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--dry-run", "--methods",
                "augmented,hidden,layers");
        assertEquals(0, methods.exitCode(), methods.err());
        assertTrue(methods.out().contains("42 cell(s): 0 done, 42 to run"), methods.out());
        assertTrue(!methods.out().contains("ensemble-confidence") && !methods.out().contains("| minilm-l3"), methods.out());
        CliRunner one = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--dry-run", "--methods", "layers");
        assertTrue(one.out().contains("12 cell(s): 0 done, 12 to run"), one.out());
        // a method brings its control: cofinetuned and apart-cls, with their baseline, on SST-2 and MRPC x 3 seeds x 2 students
        CliRunner controlled = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--dry-run", "--methods", "cofinetuned");
        assertTrue(controlled.out().contains("36 cell(s): 0 done, 36 to run"), controlled.out());
        assertTrue(controlled.out().matches("(?s).*\\| MRPC +\\| bilstm +\\| method-apart-cls +\\| +3 \\| to run +\\| .*"),
                controlled.out());
        CliRunner none = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--dry-run", "--no-methods");
        assertTrue(none.out().contains("261 cell(s): 0 done, 261 to run"), none.out());

        // STS-B (regression): confidence weighting is uniform with one output, so no ensemble-confidence cells there
        CliRunner stsb = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--dry-run", "--tasks", "STS-B",
                "--seeds", "1");
        assertEquals(0, stsb.exitCode(), stsb.err());
        assertTrue(stsb.out().contains("15 cell(s): 0 done, 15 to run"), stsb.out());
        assertTrue(!stsb.out().contains("ensemble-confidence"), stsb.out());
        assertTrue(stsb.out().matches("(?s).*\\| STS-B +\\| bilstm +\\| ensemble-teacher_loss +\\| +1 \\| to run +\\| .*"),
                stsb.out());

        CliRunner some = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--dry-run", "--tasks", "sst2,MRPC",
                "--students", "sead,minilm-l3", "--seeds", "2");
        assertEquals(0, some.exitCode(), some.err());
        // 2 tasks x 2 students x 6 cells, and sead's 6 methods on both tasks
        assertTrue(some.out().contains("36 cell(s): 0 done, 36 to run"), some.out());
        for (String cell : new String[] {"cross-entropy", "teacher-minilm", "teacher-bge-small", "ensemble-uniform",
                "ensemble-confidence", "ensemble-teacher_loss"}) {
            assertTrue(some.out().matches("(?s).*\\| MRPC +\\| minilm-l3 +\\| " + cell + " +\\| +2 \\| to run +\\| .*"), cell + "\n" + some.out());
        }
        assertTrue(!some.out().contains("| bilstm"), some.out());
        assertTrue(!some.out().contains("| RTE"), some.out());
        assertTrue(!Files.exists(dir.resolve("results")), "a dry run writes nothing");
    }

    @Test
    void badInputIsOneLineNamingIt(@TempDir Path dir) throws Exception {
        Path plan = plan(dir);
        assertOneLineError(1, "--tasks: unknown task 'SST-3'", "--plan", plan.toString(), "--dry-run", "--tasks", "SST-3");
        assertOneLineError(1, "--tasks: QQP is not a task of the plan " + plan, "--plan", plan.toString(), "--dry-run",
                "--tasks", "QQP");
        assertOneLineError(1, "--students: 'tiny' is not a student of the plan " + plan + " (sead, bilstm, minilm-l3)",
                "--plan", plan.toString(), "--dry-run", "--students", "sead,tiny");
        assertOneLineError(1, "--seeds: 4 is not a seed of the plan", "--plan", plan.toString(), "--dry-run", "--seeds", "4");
        assertOneLineError(1, "--methods: 'augment' is not a method of the plan " + plan + " (augmented, hidden, layers, cofinetuned, apart-cls, embeddings, augmented-embeddings, augmented-embeddings-long, unlabeled-embeddings, augmented-unlabeled-embeddings, augmented-unlabeled-embeddings-mse, unlabeled-embeddings-mse, augmented-unlabeled-embeddings-mse-soft, augmented-unlabeled-encoded-mse, encoded, dropout, augmented-unlabeled-embeddings-mse-dropout, augmented-unlabeled-embeddings-mse-all-rows, augmented-unlabeled-embeddings-mse-all-rows-x3, augmented-unlabeled-embeddings-mse-hidden, augmented-unlabeled-embeddings-mse-hidden-relu, augmented-unlabeled-embeddings-mse-hidden-full, augmented-unlabeled-embeddings-mse-2-layers, augmented-unlabeled-embeddings-mse-lr-half)",
                "--plan", plan.toString(), "--dry-run", "--methods", "augment");
        assertOneLineError(2, "--methods and --no-methods: expected one of them, found both", "--plan", plan.toString(),
                "--dry-run", "--methods", "hidden", "--no-methods");
        assertOneLineError(2, "--dry-run and --report-only: expected one of them, found both", "--plan", plan.toString(),
                "--dry-run", "--report-only");
        // intermediate-layer distillation on the BiLSTM: refused when the plan is read, before anything is written
        Path layers = dir.resolve("layers-bilstm.yaml");
        Files.writeString(layers, Files.readString(plan).replace("students: [sead]            #", "students: [sead, bilstm] #"));
        assertOneLineError(1, layers + " (method layers, task SST-2, student bilstm): distill.layers.teacher = minilm:"
                + " intermediate-layer distillation needs a transformer student, student bilstm is a bilstm", "--plan",
                layers.toString(), "--no-progress");
        assertTrue(!Files.exists(dir.resolve("results")), "nothing is written");
        Path unknownKey = dir.resolve("unknown-key.yaml");
        Files.writeString(unknownKey, Files.readString(plan).replace("save_models: false", "save_models: false\nseed_count: 3"));
        assertOneLineError(1, unknownKey + ": unknown key 'seed_count'", "--plan", unknownKey.toString(), "--dry-run");
        Path badValue = dir.resolve("bad-value.yaml");
        Files.writeString(badValue, Files.readString(plan).replace("init_layers: 3", "init_layers: 99"));
        assertOneLineError(1, badValue + " (task SST-2, student minilm-l3): student.init_layers = 99 is out of range", "--plan", badValue.toString(),
                "--dry-run");
        assertOneLineError(1, dir.resolve("none.yaml") + ": file not found", "--plan", dir.resolve("none.yaml").toString());
        CliRunner usage = CliRunner.run("bench", "quality", "--dry-run");
        assertEquals(2, usage.exitCode());
        assertTrue(usage.err().contains("--plan"), usage.err());
        CliRunner seeds = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--seeds", "one");
        assertEquals(2, seeds.exitCode());
        assertTrue(seeds.err().contains("'one'"), seeds.err());
    }

    @Test
    void aFailedCellStopsTheRunOrWithKeepGoingIsListed(@TempDir Path dir) throws Exception {
        Path data = org.kd4j.testing.TinyQualityPlans.sst2Data(dir);
        Path plan = dir.resolve("ghost.yaml");
        Files.writeString(plan, ("""
                results_dir: %s
                ledger_dir: %s
                seeds: [1]
                cells: [cross_entropy, single_teacher, ensemble]
                weightings: [uniform]
                base:
                  data: {dir: %s, max_length: 16, batch_size: 16}
                  teachers:
                    - {name: ghost, init: %s}
                  run: {cache_dir: %s}
                """ + org.kd4j.testing.TinyQualityPlans.SST2_TINY_STUDENT).formatted(dir.resolve("results"), dir.resolve("ledger"), data, dir.resolve("ghost.onnx"), dir.resolve("cache")));
        CliRunner stop = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--no-progress");
        assertEquals(1, stop.exitCode(), stop.err());
        assertEquals(1, stop.err().strip().lines().count(), stop.err());
        assertTrue(stop.err().startsWith("error: cell SST-2/tiny/teacher-ghost/seed-1: teachers[ghost].init"), stop.err());
        assertTrue(Files.isRegularFile(dir.resolve("results/SST-2/tiny/cross-entropy/seed-1/quality-cell.json")),
                "the cell before the failure is done");
        // and kept in the results ledger as it finished: the student's score as its run's metrics give it
        JsonNode entry = new ObjectMapper().readTree(dir.resolve("ledger/SST-2/tiny/cross-entropy/seed-1.json").toFile());
        JsonNode studentRow = null;
        for (JsonNode row : new ObjectMapper().readTree(dir.resolve("results/SST-2/tiny/cross-entropy/seed-1/metrics.json")
                .toFile()).path("rows")) {
            if (row.path("name").asText().startsWith("student")) {
                studentRow = row;
            }
        }
        assertTrue(studentRow != null, "a student row in the cell's metrics");
        assertEquals(studentRow.path("dev_accuracy").asDouble(), entry.path("student_score").asDouble(), 0.0);
        assertEquals("cross-entropy", entry.path("cell").asText());
        assertTrue(!Files.exists(dir.resolve("ledger/SST-2/tiny/teacher-ghost")), "a failed cell is not in the ledger");

        CliRunner going = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--no-progress", "--keep-going");
        assertEquals(1, going.exitCode(), going.err());
        assertTrue(going.out().contains("quality benchmark: 0 cell(s) run, 1 already done, 2 failed"), going.out());
        assertTrue(going.out().contains("failed: SST-2/tiny/teacher-ghost/seed-1: teachers[ghost].init"), going.out());
        assertTrue(going.out().contains("failed: SST-2/tiny/ensemble-uniform/seed-1: the teachers of SST-2 failed: teachers[ghost].init"),
                going.out());
        // the report renders what there is
        assertTrue(going.out().matches("(?s).*\\| cross-entropy only +\\| +[0-9]+\\.[0-9] +\\|.*"),
                going.out());
        assertTrue(going.out().contains("| distilled from ghost"), going.out());
    }

    @Test
    void aTeacherThatDoesNotBeatAConstantByTheMarginStopsItsCells(@TempDir Path dir) throws Exception {
        Path data = org.kd4j.testing.TinyQualityPlans.sst2Data(dir);
        Path plan = dir.resolve("margin.yaml");
        // a margin of 100 points: no teacher can beat the majority class of the dev set by it
        Files.writeString(plan, ("""
                results_dir: %s
                seeds: [1]
                min_teacher_margin: 100
                cells: [cross_entropy, single_teacher]
                base:
                  data: {dir: %s, max_length: 16, batch_size: 16}
                  teachers:
                    - {name: t1, model: {type: cnn, hidden: 8, ffn: 8}, train: {epochs: 1, learning_rate: 0.01}}
                  run: {cache_dir: %s}
                """ + org.kd4j.testing.TinyQualityPlans.SST2_TINY_STUDENT).formatted(dir.resolve("results"), data, dir.resolve("cache")));
        CliRunner going = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--no-progress", "--keep-going");
        assertEquals(1, going.exitCode(), going.err());
        assertTrue(going.out().contains("quality benchmark: 1 cell(s) run, 0 already done, 1 failed"), going.out());
        assertTrue(going.out().matches("(?s).*failed: SST-2/tiny/teacher-t1/seed-1: teacher t1 on SST-2: dev accuracy"
                + " [0-9.]+ is not min_teacher_margin 100\\.0 points above the best constant prediction \\([0-9.]+\\).*"),
                going.out());
        assertTrue(!Files.exists(dir.resolve("results/SST-2/tiny/teacher-t1/seed-1/quality-cell.json")), "no cell on that teacher");
        assertTrue(Files.isRegularFile(dir.resolve("results/SST-2/tiny/cross-entropy/seed-1/quality-cell.json")),
                "the cross-entropy cell needs no teacher");
        // a margin out of range is refused when the plan is read
        Files.writeString(plan, Files.readString(plan).replace("min_teacher_margin: 100", "min_teacher_margin: -1"));
        assertOneLineError(1, "min_teacher_margin = '-1.0' is not valid", "--plan", plan.toString(), "--dry-run");
    }

    private static void assertOneLineError(int code, String expected, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "bench";
        all[1] = "quality";
        System.arraycopy(args, 0, all, 2, args.length);
        CliRunner r = CliRunner.run(all);
        assertEquals(code, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in " + r.err());
    }
}
