package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench quality}: the dry run of the committed plan, and bad input as one line with exit code 1 or 2. */
class QualityBenchCommandTest {

    /** The committed plan with its results under {@code dir}, so that no real benchmark's results are seen. */
    private static Path plan(Path dir) throws Exception {
        Path plan = dir.resolve("glue5.yaml");
        Files.writeString(plan, Files.readString(Path.of("hparams/quality/glue5.yaml"))
                .replace("results_dir: runs/quality", "results_dir: " + dir.resolve("results")));
        return plan;
    }

    @Test
    void dryRunListsTheSelectedCells(@TempDir Path dir) throws Exception {
        Path plan = plan(dir);
        CliRunner all = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--dry-run");
        assertEquals(0, all.exitCode(), all.err());
        assertTrue(all.out().contains("270 cell(s): 0 done, 270 to run"), all.out());

        CliRunner some = CliRunner.run("bench", "quality", "--plan", plan.toString(), "--dry-run", "--tasks", "sst2,MRPC",
                "--students", "sead,minilm-l3", "--seeds", "2");
        assertEquals(0, some.exitCode(), some.err());
        assertTrue(some.out().contains("24 cell(s): 0 done, 24 to run"), some.out());
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
