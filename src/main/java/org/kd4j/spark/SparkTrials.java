package org.kd4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;
import org.kd4j.KdException;
import org.kd4j.distill.train.Progress;
import org.kd4j.hpo.Sweep;
import org.kd4j.hpo.SweepConfig;
import org.kd4j.hpo.TrialRecord;
import org.kd4j.hpo.TrialRunner;

/**
 * A sweep's trials as Spark tasks, one trial per task ({@code sweep --spark}). Each trial is a job of one task, submitted
 * from its own driver thread, so Spark runs as many at once as it has task slots ({@code local[2]}: two threads of this
 * JVM, which is fine because kd4j keeps no mutable static state; on a cluster, one per executor core) and the sweep
 * records each trial as soon as its task ends. A trial not started before the sweep's time budget is over is not run.
 *
 * <p>The task runs {@link Sweep#trial} with the sweep's config: the base preset, the data, the teachers' cache and the
 * sweep's directory are read and written by path, so on a cluster they must be on storage every executor shares.
 */
public final class SparkTrials implements TrialRunner {

    private static final Logger LOG = LogManager.getLogger(SparkTrials.class);
    /** Driver threads waiting on trial jobs at most (each only waits). */
    private static final int MAX_WAITING = 64;

    private final SparkSession spark;

    public SparkTrials(SparkSession spark) {
        this.spark = Objects.requireNonNull(spark, "spark");
    }

    @Override
    public void run(SweepConfig config, List<Pending> trials, long deadlineMillis, Consumer<TrialRecord> done) {
        if (trials.isEmpty()) {
            return;
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LOG.info("sweep on spark ({}): {} trial(s), {} task slot(s)", spark.sparkContext().master(), trials.size(),
                spark.sparkContext().defaultParallelism());
        ExecutorService waiting = Executors.newFixedThreadPool(Math.min(MAX_WAITING, trials.size()), r -> {
            Thread t = new Thread(r, "kd4j sweep trial job");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (Pending trial : trials) {
                jobs.add(waiting.submit(() -> {
                    if (deadlineMillis > 0 && System.currentTimeMillis() > deadlineMillis) {
                        LOG.info("sweep: time budget over, trial {} not started", trial.index());
                        return;
                    }
                    jsc.setJobGroup("kd4j-trial-" + trial.index(), "sweep trial " + trial.index(), false);
                    TrialRecord record = jsc.parallelize(List.of(trial), 1).map(new RunTrial(config)).collect().get(0);
                    done.accept(record);
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KdException("sweep on spark: interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new KdException("sweep on spark: " + cause, cause);
        } finally {
            waiting.shutdownNow();
        }
    }

    /** The task: one trial, on an executor (progress off: trials at once would interleave their lines). */
    private static final class RunTrial implements Function<Pending, TrialRecord> {
        private static final long serialVersionUID = 1L;
        private final SweepConfig config;

        RunTrial(SweepConfig config) {
            this.config = config;
        }

        @Override
        public TrialRecord call(Pending trial) {
            return Sweep.trial(config, trial.index(), trial.values(), Progress.off());
        }
    }
}
