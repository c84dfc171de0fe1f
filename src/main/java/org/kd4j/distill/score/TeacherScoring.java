package org.kd4j.distill.score;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.DataConfig;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.data.glue.Example;
import org.kd4j.distill.TaskData;
import org.kd4j.distill.TeacherInference;
import org.kd4j.distill.TeacherPool;
import org.kd4j.distill.cache.CacheKey;
import org.kd4j.distill.cache.LogitCache;
import org.kd4j.distill.cache.PartialLogits;
import org.kd4j.distill.train.Progress;

/**
 * Scores an input with every teacher of a run and stores the logits in the run's logit cache under the key a
 * distillation run of the same config reads ({@link CacheKey}: the teacher's model file, the input file's contents, the
 * teacher's tokenizer, {@code data.max_length} and the variant), so that a later {@code distill} with that file as
 * {@code data.transfer_file} scores nothing.
 *
 * <p>Teachers are trained, fine-tuned or loaded by the run's own {@link TeacherPool} (the same cache of models). Each
 * teacher scores the input in chunks of {@code chunkRows} rows ({@link PartialLogits}): a finished chunk is stored
 * atomically at once, a restarted scoring skips the chunks already stored, and when all are done they are assembled
 * into the cache file. Memory holds one chunk of examples and logits at a time, whatever the input's size. How a chunk
 * is scored is the {@link ChunkScorer.Factory}'s choice: in this JVM ({@link #LOCAL}) or on Spark.
 *
 * <p>Batches are planned per chunk (sorted by length within the chunk, cut every batch), by every scorer alike; for an
 * input of at most one chunk they are the batches a distillation run would score itself.
 */
public final class TeacherScoring {

    private static final Logger LOG = LogManager.getLogger(TeacherScoring.class);

    /** Rows per chunk unless told otherwise. */
    public static final int DEFAULT_CHUNK_ROWS = 16_384;

    /** Scores chunks in this JVM. */
    public static final ChunkScorer.Factory LOCAL = teacher -> teacher::scoreLocally;

    /** Told when a chunk is stored (tests stop a scoring there, as a crash would). */
    @FunctionalInterface
    public interface ChunkListener {
        ChunkListener NONE = (teacher, chunk) -> { };

        void stored(String teacher, int chunk);
    }

    /**
     * One teacher's scoring.
     *
     * @param rows rows of the input
     * @param seconds wall time of this teacher's scoring in this process (loading, chunks, assembly)
     * @param file the cache file
     * @param chunksScored chunks scored in this process
     * @param chunksSkipped chunks found stored by an earlier, stopped scoring
     * @param wasCached whether the whole cache file was there already (nothing scored)
     */
    public record Result(String teacher, int rows, double seconds, Path file, int chunksScored, int chunksSkipped,
                         boolean wasCached) {
        /** Rows per second over this process's scoring (0 when nothing was scored). */
        public double rowsPerSecond() {
            return wasCached || seconds <= 0 ? 0 : rows / seconds;
        }
    }

    private final ExperimentConfig config;
    private final int chunkRows;
    private final Progress progress;
    private final ChunkListener listener;

    public TeacherScoring(ExperimentConfig config, int chunkRows, Progress progress, ChunkListener listener) {
        if (chunkRows < 1) {
            throw new KdException("chunk rows: expected at least 1, found " + chunkRows);
        }
        this.config = Objects.requireNonNull(config, "config");
        this.chunkRows = chunkRows;
        this.progress = Objects.requireNonNull(progress, "progress");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * The task's data as the teachers need it (training and dev splits; the transfer file of the config is left out:
     * the teachers do not train on it, and the input is streamed instead).
     */
    public TaskData taskData() {
        DataConfig d = config.data();
        DataConfig withoutTransfer = new DataConfig(d.dir(), d.maxLength(), d.batchSize(), d.padding(), d.bucketing(),
                d.bucketBatches(), d.seed(), d.onBadRow(), d.trainLimit(), "", d.unlabeledTrain());
        return new TaskData(config.task(), withoutTransfer);
    }

    /** Scores {@code input} with every teacher of the run, each chunk by {@code scorers}; one result per teacher. */
    public List<Result> run(TaskData data, ScoreInput input, ChunkScorer.Factory scorers) {
        LogitCache cache = new LogitCache(Path.of(config.run().cacheDir()).resolve("logits"));
        TeacherPool pool = new TeacherPool(config, data, progress);
        List<Result> results = new ArrayList<>();
        for (TeacherPool.Scorer scorer : pool.scorers()) {
            try (TeacherInference inference = TeacherInference.of(scorer.name(), scorer.model(), config.run().teacherRuntime(),
                    config.task(), config.data().maxLength(), config.run().parallelism())) {
                ScoringTeacher teacher = new ScoringTeacher(scorer, config.task(), config.data().maxLength(),
                        Math.max(64, config.data().batchSize()), config.run().parallelism(), inference); // TeacherPool's batch size
                results.add(score(teacher, cache, input, scorers.of(teacher)));
            }
            org.kd4j.util.NativeGarbage.collect("teacher " + scorer.name());
        }
        return results;
    }

    /** One teacher over the whole input, chunk by chunk, resuming from the chunks stored before. */
    Result score(ScoringTeacher teacher, LogitCache cache, ScoreInput input, ChunkScorer scorer) {
        long start = System.nanoTime();
        int cols = config.task().numOutputs();
        CacheKey key = new CacheKey(teacher.teacher().model().file(), input.file(), teacher.teacher().tokenizer().fingerprint(),
                config.data().maxLength(), teacher.runtime().cacheVariant(input.variant()));
        String hash = key.hash();
        if (cache.holds(hash, input.rows(), cols)) {
            LOG.info("teacher {}: {} x {} logits already cached in {}", teacher.name(), input.rows(), cols, cache.file(hash));
            return new Result(teacher.name(), input.rows(), seconds(start), cache.file(hash), 0, 0, true);
        }
        PartialLogits partial = cache.partial(hash, input.rows(), cols, chunkRows);
        boolean[] done = new boolean[partial.chunks()];
        int skipped = 0;
        long toScore = 0;
        for (int c = 0; c < done.length; c++) {
            done[c] = partial.done(c);
            if (done[c]) {
                skipped++;
            } else {
                toScore += partial.size(c);
            }
        }
        if (skipped > 0) {
            LOG.info("teacher {}: resuming; {} of {} chunk(s) already scored in {}", teacher.name(), skipped, done.length,
                    partial.dir());
        }
        LOG.info("teacher {}: scoring {} ({} rows, {} chunk(s) of {})", teacher.name(), input.description(), input.rows(),
                done.length, chunkRows);
        int[] scored = {0};
        long[] rowsScored = {0};
        try (Progress.Phase phase = progress.start("score " + teacher.name(), toScore)) {
            List<Example> buffer = new ArrayList<>(Math.min(chunkRows, input.rows()));
            int[] chunk = {0};
            input.forEach(example -> {
                buffer.add(example);
                if (buffer.size() == partial.size(chunk[0])) {
                    int c = chunk[0];
                    if (!done[c]) {
                        partial.write(c, scorer.score(buffer));
                        scored[0]++;
                        rowsScored[0] += buffer.size();
                        listener.stored(teacher.name(), c);
                        phase.update(rowsScored[0], buffer.size(), Double.NaN);
                    }
                    buffer.clear();
                    chunk[0]++;
                }
            });
            if (chunk[0] != done.length || !buffer.isEmpty()) {
                throw new KdException(input.description() + ": changed while being scored (" + input.rows()
                        + " rows when checked, " + ((long) chunk[0] * chunkRows + buffer.size()) + " read now)");
            }
        }
        Path file = partial.assemble();
        double seconds = seconds(start);
        LOG.info("teacher {}: {} rows scored in {} s; stored {}", teacher.name(), input.rows(),
                String.format(java.util.Locale.ROOT, "%.1f", seconds), file);
        return new Result(teacher.name(), input.rows(), seconds, file, scored[0], skipped, false);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
