package org.kd4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.config.ConfigLoader;
import org.kd4j.distill.train.Progress;
import org.kd4j.hpo.Dimension;
import org.kd4j.hpo.DimensionType;
import org.kd4j.hpo.Sweep;
import org.kd4j.hpo.SweepConfig;
import org.kd4j.hpo.SweepResults;
import org.kd4j.hpo.TrialRecord;

/**
 * {@code sweep --spark} in local mode ({@code local[2]}: two trials at a time, each a task thread of this JVM): the same
 * trials, values and scores as Arbiter's local runner, and a resumed sweep keeps the recorded trials and runs only the
 * new one.
 */
class SparkSweepTest {

    @TempDir Path dir;

    /** The tiny-ci sweep, smaller still, over the soft weight only, its outputs in {@code sweepDir}. */
    private SweepConfig tiny(int trials, String sweepDir) {
        SweepConfig preset = ConfigLoader.loadRecord(Path.of("hparams/sweeps/tiny-ci.yaml"), SweepConfig.class);
        List<String> set = new ArrayList<>(preset.set());
        set.add("data.train_limit=200");
        set.add("data.max_length=32");
        set.add("run.cache_dir=" + dir.resolve("cache"));
        return new SweepConfig(preset.base(), set, preset.search(), trials, 0, 1, 2, preset.objective(),
                dir.resolve(sweepDir).toString(), preset.seed(),
                List.of(new Dimension("distill.soft_weight", DimensionType.UNIFORM, 0.1, 1, List.of())));
    }

    @Test
    void sparkTrialsScoreAsTheLocalRunnerAndResumeSkipsRecordedTrials() {
        List<TrialRecord> local = new Sweep(tiny(2, "local"), false, Progress.off()).run().trials();
        assertEquals(2, local.size());
        SparkSession spark = SparkSessions.start("local[2]", Map.of());
        try {
            SparkTrials runner = new SparkTrials(spark);
            List<TrialRecord> distributed = new Sweep(tiny(2, "spark"), false, Progress.off(), runner).run().trials();
            assertEquals(2, distributed.size());
            for (int i = 0; i < 2; i++) {
                TrialRecord a = local.get(i);
                TrialRecord b = distributed.get(i);
                assertEquals(TrialRecord.Status.OK, b.status(), b.message());
                assertEquals(a.index(), b.index());
                assertEquals(a.values(), b.values(), "trial " + i + ": the same candidate");
                assertEquals(a.score(), b.score(), 0.0, "trial " + i + ": the same score");
                assertEquals(a.metrics(), b.metrics(), "trial " + i);
            }
            // at this size every trial predicts the majority class; the dev loss (a metric compared exactly above) tells them apart
            assertTrue(!local.get(0).metrics().get("dev_loss").equals(local.get(1).metrics().get("dev_loss")), local.toString());
            assertEquals(distributed, SweepResults.read(dir.resolve("spark")), "results.json as recorded");

            Sweep.Result resumed = new Sweep(tiny(3, "spark"), true, Progress.off(), runner).run();
            assertEquals(3, resumed.trials().size());
            for (int i = 0; i < 2; i++) {
                assertEquals(distributed.get(i), resumed.trials().get(i), "trial " + i + " kept as recorded, not rerun");
            }
            assertEquals(TrialRecord.Status.OK, resumed.trials().get(2).status(), resumed.trials().get(2).message());
            assertTrue(resumed.best().isPresent());
        } finally {
            spark.stop();
        }
    }
}
