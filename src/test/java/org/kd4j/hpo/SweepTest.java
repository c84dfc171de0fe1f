package org.kd4j.hpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;
import org.kd4j.api.DistilledClassifier;
import org.kd4j.cli.CliRunner;
import org.kd4j.config.ConfigLoader;

/** Sweeps on the shipped SST-2 at tiny scale: the preset, failing trials, resume. */
class SweepTest {

    @TempDir Path dir;

    /** The tiny-ci preset with its outputs moved into the test's folder. */
    private SweepConfig tiny(int trials, List<Dimension> dimensions, SearchMode search) {
        SweepConfig preset = ConfigLoader.loadRecord(Path.of("hparams/sweeps/tiny-ci.yaml"), SweepConfig.class);
        List<String> set = new java.util.ArrayList<>(preset.set());
        set.add("run.cache_dir=" + dir.resolve("cache"));
        return new SweepConfig(preset.base(), set, search, trials, preset.timeBudgetMinutes(), 1, 2,
                preset.objective(), dir.resolve("sweep").toString(), preset.seed(),
                dimensions == null ? preset.dimensions() : dimensions);
    }

    @Test
    void tinyPresetWritesResultsPlotsAndALoadableBestRun() throws IOException {
        Path space = dir.resolve("space.yaml");
        Files.writeString(space, Files.readString(Path.of("hparams/sweeps/tiny-ci.yaml"))
                .replace("dir: runs/sweeps/tiny-ci", "dir: " + dir.resolve("sweep"))
                .replace("run.cache_dir=runs/sweeps/tiny-ci/cache", "run.cache_dir=" + dir.resolve("cache")));
        // --dry-run: the trials with their values, nothing trained or written
        CliRunner before = CliRunner.run("sweep", "--space", space.toString(), "--dry-run");
        assertEquals(0, before.exitCode(), before.err());
        assertTrue(before.out().contains("random search, 0 of 3 trial(s) recorded in " + dir.resolve("sweep") + ", 3 to run"),
                before.out());
        assertEquals(3, before.out().lines().filter(l -> l.endsWith("| to run | -               |")).count(), before.out());
        assertTrue(!Files.exists(dir.resolve("sweep")) && !Files.exists(dir.resolve("cache")), "a dry run writes nothing");

        CliRunner r = CliRunner.run("sweep", "--space", space.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path sweep = dir.resolve("sweep");
        List<TrialRecord> trials = SweepResults.read(sweep);
        assertEquals(3, trials.size());
        // the trials listed are those run, in order, with their values; a dry run after it marks them done
        CliRunner after = CliRunner.run("sweep", "--space", space.toString(), "--dry-run");
        assertEquals(0, after.exitCode(), after.err());
        assertTrue(after.out().contains("3 of 3 trial(s) recorded"), after.out());
        for (TrialRecord t : trials) {
            String row = after.out().lines().filter(l -> l.startsWith(String.format("| %5d |", t.index()))).findFirst()
                    .orElseThrow(() -> new AssertionError(after.out()));
            assertTrue(row.replace(" ", "").endsWith("|done|" + String.format(java.util.Locale.ROOT, "%.4f", t.score()) + "|"), row);
            String listedBefore = before.out().lines().filter(l -> l.startsWith(String.format("| %5d |", t.index())))
                    .findFirst().orElseThrow();
            assertEquals(listedBefore.substring(0, listedBefore.indexOf("| to run")), row.substring(0, row.indexOf("| done")));
            for (TrialValue v : t.values().values()) {
                String shown = v instanceof TrialValue.Real real ? SweepResults.formatNumber(real.value()) : v.text();
                assertTrue(row.contains(" " + shown + " "), shown + " in " + row);
            }
        }
        assertTrue(trials.stream().allMatch(t -> t.status() == TrialRecord.Status.OK), trials.toString());
        for (String file : new String[] {"results.csv", "results.md", "results.json",
                "plots/score-vs-student.train.learning_rate.png", "plots/score-vs-distill.temperature.png"}) {
            assertTrue(Files.isRegularFile(sweep.resolve(file)), file);
        }
        assertEquals(4, Files.readAllLines(sweep.resolve("results.csv")).size(), "header + 3 trials");
        assertTrue(r.out().contains("best: trial"), r.out());
        try (DistilledClassifier best = DistilledClassifier.load(sweep.resolve("best"))) {
            assertEquals(1, best.classify(List.of("a good film")).size());
        }
    }

    @Test
    void theTimeLeftIsTheRecordedMedianForEachTrialToRunParallelismAtATime() {
        java.util.function.BiFunction<Integer, Double, Sweep.PlannedTrial> done = (i, seconds) -> new Sweep.PlannedTrial(i,
                java.util.Map.of(), java.util.Optional.of(new TrialRecord(i, java.util.Map.of(), 0.5, java.util.Map.of(), seconds,
                        TrialRecord.Status.OK, "")));
        java.util.function.Function<Integer, Sweep.PlannedTrial> left = i -> new Sweep.PlannedTrial(i, java.util.Map.of(),
                java.util.Optional.empty());
        // recorded 10, 30 and 20 s: median 20 s; 3 left, 2 at a time: two rounds
        List<Sweep.PlannedTrial> trials = List.of(done.apply(0, 10.0), done.apply(1, 30.0), done.apply(2, 20.0), left.apply(3),
                left.apply(4), left.apply(5));
        assertEquals(40.0, Sweep.remainingSeconds(trials, 2).getAsDouble(), 1e-9);
        assertEquals(60.0, Sweep.remainingSeconds(trials, 1).getAsDouble(), 1e-9);
        assertTrue(Sweep.remainingSeconds(trials.subList(0, 3), 1).isEmpty(), "nothing left");
        assertTrue(Sweep.remainingSeconds(trials.subList(3, 6), 1).isEmpty(), "nothing recorded to go by");
    }

    @Test
    void anUnknownSweptKeyIsRefusedBeforeAnyTrialNamingTheKnownOnes() {
        List<Dimension> dims = List.of(new Dimension("student.train.learnin_rate", DimensionType.LOG_UNIFORM, 1e-4,
                1e-2, List.of()));
        SweepConfig config = tiny(1, dims, SearchMode.RANDOM);
        KdException e = assertThrows(KdException.class, () -> Sweep.checkSpace(config));
        assertTrue(e.getMessage().startsWith("sweep dimension 'student.train.learnin_rate': unknown key of the "
                + "configuration of hparams/presets/sst2-demo.yaml; known keys under 'student.train': "),
                e.getMessage());
        assertTrue(e.getMessage().contains("student.train.learning_rate"), e.getMessage());
        assertThrows(KdException.class, () -> new Sweep(config, false).run());
        assertTrue(!Files.exists(dir.resolve("sweep")), "nothing written");

        // a known key whose extreme value is invalid is only a warning: those trials fail and are recorded
        List<Dimension> outOfRange = List.of(new Dimension("data.max_length", DimensionType.CATEGORICAL, 0, 0,
                List.of("32", "7")));
        assertEquals(ConfigLoader.load(Path.of(config.base()), config.set()),
                Sweep.checkSpace(tiny(1, outOfRange, SearchMode.GRID)));
    }

    @Test
    void theOptimizerCanBeSweptThoughAdamWIsNotWritten() {
        List<Dimension> dims = List.of(new Dimension("student.train.optimizer", DimensionType.CATEGORICAL, 0, 0,
                List.of("adamw", "adadelta", "sgd")));
        SweepConfig config = tiny(1, dims, SearchMode.GRID);
        assertEquals(ConfigLoader.load(Path.of(config.base()), config.set()), Sweep.checkSpace(config));
        assertEquals(org.kd4j.config.OptimizerKind.SGD, ConfigLoader.load(Path.of(config.base()),
                java.util.stream.Stream.concat(config.set().stream(), java.util.stream.Stream.of(
                        dims.get(0).override(new TrialValue.Choice("sgd")))).toList()).student().train().optimizer());
    }

    @Test
    void aFailingTrialIsRecordedAndTheSweepGoesOn() {
        List<Dimension> dims = List.of(new Dimension("data.max_length", DimensionType.CATEGORICAL, 0, 0, List.of("32", "7")));
        Sweep.Result result = new Sweep(tiny(2, dims, SearchMode.GRID), false).run();
        assertEquals(2, result.trials().size());
        TrialRecord failed = result.trials().stream().filter(t -> t.status() == TrialRecord.Status.FAILED).findFirst().orElseThrow();
        assertTrue(failed.message().contains("data.max_length = 7 is out of range"), failed.message());
        assertEquals(new TrialValue.Choice("32"), result.best().orElseThrow().values().get("data.max_length"));
    }

    @Test
    void resumeSkipsFinishedTrials() {
        List<Dimension> dims = List.of(new Dimension("distill.soft_weight", DimensionType.UNIFORM, 0.1, 1, List.of()));
        new Sweep(tiny(2, dims, SearchMode.RANDOM), false).run();
        List<TrialRecord> first = SweepResults.read(dir.resolve("sweep"));
        assertEquals(2, first.size());
        KdException e = assertThrows(KdException.class, () -> new Sweep(tiny(3, dims, SearchMode.RANDOM), false).run());
        assertTrue(e.getMessage().contains("use --resume"), e.getMessage());

        Sweep.Result resumed = new Sweep(tiny(3, dims, SearchMode.RANDOM), true).run();
        assertEquals(3, resumed.trials().size());
        for (int i = 0; i < 2; i++) {
            assertEquals(first.get(i), resumed.trials().get(i), "trial " + i + " kept as recorded, not rerun");
        }
    }
}
