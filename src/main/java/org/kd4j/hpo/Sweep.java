package org.kd4j.hpo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.TaskCreator;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxTimeCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;
import org.kd4j.KdException;
import org.kd4j.ConfigException;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.distill.DistillationRun;
import org.kd4j.distill.ResultRow;
import org.kd4j.config.StudentVariant;
import org.kd4j.distill.TaskData;
import org.kd4j.distill.TeacherPool;
import org.kd4j.distill.train.Progress;
import org.kd4j.util.Medians;

/**
 * Runs a sweep: Arbiter's random or grid generator proposes values for the swept keys, Arbiter's
 * {@link LocalOptimizationRunner} runs trials ({@code parallelism} at a time), and each trial is a distillation run
 * of the ensemble-distilled student with those values set on the base preset. Teachers are trained (or taken from
 * the cache) once before the first trial, so trials never retrain them unless a swept key changes them.
 *
 * <p>After every trial the results table (JSON, CSV, Markdown) and the plots are rewritten atomically. A trial that
 * throws or produces NaN is recorded as failed with its message and the sweep goes on. With {@code resume}, trials
 * already recorded in {@code results.json} are not run again (the seeded generator proposes the same candidates in
 * the same order). The best trial's run directory is copied to {@code <dir>/best}.
 */
public final class Sweep {

    private static final Logger LOG = LogManager.getLogger(Sweep.class);

    private final SweepConfig config;
    private final Path dir;
    private final boolean resume;
    private final Progress progress;
    private final Map<Integer, TrialRecord> records = new HashMap<>();
    /** Runs the trials instead of Arbiter's local runner; null: Arbiter's. */
    private final TrialRunner runner;

    /** A sweep whose trials show no progress. */
    public Sweep(SweepConfig config, boolean resume) {
        this(config, resume, Progress.off());
    }

    /** @param progress how the trials' training shows its progress (shared by trials running at the same time) */
    public Sweep(SweepConfig config, boolean resume, Progress progress) {
        this(config, resume, progress, null);
    }

    /**
     * A sweep whose trials run on {@code runner} (Spark) instead of Arbiter's local runner: the same candidates in the
     * same order, the same results files after each trial, the same resume.
     */
    public Sweep(SweepConfig config, boolean resume, Progress progress, TrialRunner runner) {
        this.progress = progress;
        this.config = config;
        this.dir = Path.of(config.dir());
        this.resume = resume;
        this.runner = runner;
    }

    /** The finished sweep. */
    public record Result(List<TrialRecord> trials, Optional<TrialRecord> best, Path bestRunDir) {}

    public Result run() {
        ExperimentConfig base = checkSpace(config);
        List<TrialRecord> previous = SweepResults.read(dir);
        if (!previous.isEmpty() && !resume) {
            throw new KdException(dir + " already holds results of a sweep: use --resume to continue it, or another dir");
        }
        previous.forEach(r -> records.put(r.index(), r));
        LOG.info("sweep: {} {} over {}; {} trial(s) recorded before", config.search().name().toLowerCase(Locale.ROOT),
                config.trials(), config.keys(), previous.size());
        new TeacherPool(base, new TaskData(base.task(), base.data()), progress).teachers();

        CandidateGenerator generator = generator();
        if (runner != null) {
            runElsewhere(generator);
        } else {
            runLocally(generator);
        }

        List<TrialRecord> all = sorted();

        Optional<TrialRecord> best = SweepResults.best(all, config.maximize());
        Path bestDir = dir.resolve("best");
        best.ifPresent(b -> copyRun(trialDir(b.index()), bestDir));
        LOG.info("sweep done: {} trial(s), best {}", all.size(), best.map(b -> "trial " + b.index() + " "
                + String.format(Locale.ROOT, "%.4f", b.score())).orElse("none"));
        return new Result(all, best, bestDir);
    }

    /**
     * A trial of the sweep: its index (its folder {@code trials/trial-NNN}), the values it sets, and its record when
     * {@code results.json} already holds one.
     */
    public record PlannedTrial(int index, Map<String, TrialValue> values, Optional<TrialRecord> recorded) {}

    /**
     * The trials this sweep runs, in the order it takes them (the seeded generator's first {@code trials}
     * candidates; a grid may have fewer), each with its record if one is in the results already. Runs nothing and
     * writes nothing: the space is checked ({@link #checkSpace}) and the results read, as {@link #run} does first.
     * A sweep with a time budget may stop before the last of them.
     */
    public List<PlannedTrial> plan() {
        checkSpace(config);
        Map<Integer, TrialRecord> recorded = new HashMap<>();
        SweepResults.read(dir).forEach(r -> recorded.put(r.index(), r));
        return candidates(generator(), recorded);
    }

    /**
     * The time the trials not yet recorded should take: the median time of those recorded (failed ones included, as
     * they cost time too) for each, {@code parallelism} at a time. Empty when none is recorded or none is left.
     */
    public static java.util.OptionalDouble remainingSeconds(List<PlannedTrial> trials, int parallelism) {
        double[] seconds = trials.stream().flatMap(t -> t.recorded().stream()).mapToDouble(TrialRecord::seconds).toArray();
        long left = trials.stream().filter(t -> t.recorded().isEmpty()).count();
        if (seconds.length == 0 || left == 0) {
            return java.util.OptionalDouble.empty();
        }
        return java.util.OptionalDouble.of(Medians.of(seconds) * Math.ceil((double) left / Math.max(1, parallelism)));
    }

    private List<PlannedTrial> candidates(CandidateGenerator generator, Map<Integer, TrialRecord> recorded) {
        List<PlannedTrial> trials = new ArrayList<>();
        for (int n = 0; n < config.trials() && generator.hasMoreCandidates(); n++) {
            Candidate candidate = generator.getCandidate();
            @SuppressWarnings("unchecked")
            Map<String, TrialValue> values = (Map<String, TrialValue>) candidate.getValue();
            trials.add(new PlannedTrial(candidate.getIndex(), values, Optional.ofNullable(recorded.get(candidate.getIndex()))));
        }
        return trials;
    }

    /** Arbiter's local runner: {@code parallelism} trials at a time in this JVM. */
    private void runLocally(CandidateGenerator generator) {
        List<TerminationCondition> stop = new ArrayList<>(List.of(new MaxCandidatesCondition(config.trials())));
        if (config.timeBudgetMinutes() > 0) {
            stop.add(new MaxTimeCondition(Math.round(config.timeBudgetMinutes() * 60), TimeUnit.SECONDS));
        }
        OptimizationConfiguration conf = new OptimizationConfiguration.Builder()
                .candidateGenerator(generator)
                .dataProvider(new NoData())
                .scoreFunction(new ReportedScore(!config.maximize()))
                .terminationConditions(stop)
                .build();
        new LocalOptimizationRunner(config.parallelism(), conf, new Trials()).execute();
    }

    /**
     * The trials on {@link #runner}: the generator's first {@code trials} candidates (as Arbiter's runner takes them),
     * those already recorded left out.
     */
    private void runElsewhere(CandidateGenerator generator) {
        List<TrialRunner.Pending> pending = new ArrayList<>();
        for (PlannedTrial trial : candidates(generator, records)) {
            if (trial.recorded().isEmpty()) {
                pending.add(new TrialRunner.Pending(trial.index(), trial.values()));
            } else {
                LOG.info("sweep: trial {} already recorded ({}), skipped", trial.index(), trial.recorded().get().status());
            }
        }
        long deadline = config.timeBudgetMinutes() > 0
                ? System.currentTimeMillis() + Math.round(config.timeBudgetMinutes() * 60_000) : 0;
        runner.run(config, pending, deadline, this::record);
    }

    /**
     * Checks a sweep before any work: the base preset with the fixed overrides loads, every swept key exists, and
     * each dimension's extreme values are tried (an invalid value is a warning: those trials will fail and be
     * recorded). Returns the base configuration.
     */
    public static ExperimentConfig checkSpace(SweepConfig config) {
        ExperimentConfig base = ConfigLoader.load(Path.of(config.base()), config.set());
        SortedSet<String> keys = ConfigLoader.keys(base);
        for (Dimension d : config.dimensions()) {
            if (!keys.contains(d.key())) {
                throw new KdException("sweep dimension '" + d.key() + "': unknown key of the configuration of "
                        + config.base() + "; known keys " + knownKeysNear(keys, d.key()));
            }
            for (TrialValue sample : d.extremes()) {
                List<String> overrides = new ArrayList<>(config.set());
                overrides.add(d.override(sample));
                try {
                    ConfigLoader.load(Path.of(config.base()), overrides);
                } catch (ConfigException e) {
                    LOG.warn("sweep dimension '{}' = {} is not a valid config value ({}); such trials will fail",
                            d.key(), sample.text(), e.getMessage());
                }
            }
        }
        return base;
    }

    /** The keys beside {@code key} (under its nearest known section), for an error message. */
    private static String knownKeysNear(SortedSet<String> keys, String key) {
        String section = key;
        while (section.contains(".")) {
            section = section.substring(0, section.lastIndexOf('.'));
            if (keys.contains(section)) {
                String prefix = section + ".";
                return "under '" + section + "': " + keys.stream()
                        .filter(k -> k.startsWith(prefix) && k.indexOf('.', prefix.length()) < 0)
                        .collect(Collectors.joining(", "));
            }
        }
        return "at the top level: " + keys.stream().filter(k -> !k.contains(".")).collect(Collectors.joining(", "));
    }

    private CandidateGenerator generator() {
        SweepSpace space = new SweepSpace(config.dimensions());
        if (config.search() == SearchMode.GRID) {
            GridSearchCandidateGenerator grid = new GridSearchCandidateGenerator(space, config.gridPoints(),
                    GridSearchCandidateGenerator.Mode.Sequential, null);
            return grid;
        }
        RandomSearchGenerator random = new RandomSearchGenerator(space, null);
        random.setRngSeed(config.seed());
        return random;
    }

    Path trialDir(int index) {
        return trialDir(config, index);
    }

    private static Path trialDir(SweepConfig config, int index) {
        return Path.of(config.dir()).resolve("trials").resolve(String.format(Locale.ROOT, "trial-%03d", index));
    }

    private synchronized void record(TrialRecord record) {
        records.put(record.index(), record);
        List<TrialRecord> all = sorted();
        SweepResults.write(dir, config.keys(), config.objective().columnName(), config.maximize(), all);
        Optional<TrialRecord> best = SweepResults.best(all, config.maximize());
        LOG.info("sweep: {} of {} trials done; trial {} {} ({}); best so far: {}", records.size(), config.trials(),
                record.index(), record.status() == TrialRecord.Status.OK
                        ? String.format(Locale.ROOT, "%s %.4f", config.objective().columnName(), record.score()) : "FAILED: " + record.message(),
                text(record.values()), best.map(b -> String.format(Locale.ROOT, "trial %d, %.4f", b.index(), b.score())).orElse("none"));
    }

    private List<TrialRecord> sorted() {
        return records.values().stream().sorted(Comparator.comparingInt(TrialRecord::index)).toList();
    }

    private TrialRecord runTrial(int index, Map<String, TrialValue> values) {
        return trial(config, index, values, progress);
    }

    /**
     * One trial of the sweep {@code config}: the base preset, the fixed overrides, the candidate's values, its own run
     * directory ({@code <dir>/trials/trial-NNN}). A trial that throws or scores NaN is a failed record, never an
     * exception. What a {@link TrialRunner} runs, wherever it runs it.
     */
    public static TrialRecord trial(SweepConfig config, int index, Map<String, TrialValue> values, Progress progress) {
        long start = System.nanoTime();
        List<String> overrides = new ArrayList<>(config.set());
        values.forEach((key, value) -> overrides.add(key + "=" + value.text()));
        overrides.add("run.dir=" + trialDir(config, index));
        overrides.add("run.students=[ensemble]");
        try {
            ExperimentConfig trial = ConfigLoader.load(Path.of(config.base()), overrides);
            DistillationRun.Result result = new DistillationRun(trial, "sweep trial " + index + " " + text(values), false,
                    progress).run();
            ResultRow row = studentRow(result);
            double score = config.objective().score(row);
            if (!Double.isFinite(score)) {
                throw new KdException("objective is " + score);
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            row.dev().metrics().forEach((m, v) -> metrics.put("dev_" + m.key(), v));
            metrics.put("dev_loss", row.devLoss());
            return new TrialRecord(index, values, score, metrics, (System.nanoTime() - start) / 1e9, TrialRecord.Status.OK, "");
        } catch (RuntimeException e) {
            LOG.debug("trial {} failed", index, e);
            return new TrialRecord(index, values, Double.NaN, Map.of(), (System.nanoTime() - start) / 1e9,
                    TrialRecord.Status.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Swept values for logs and run titles: {@code {key=value, ...}}. */
    private static String text(Map<String, TrialValue> values) {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().text())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** The result row of the ensemble-distilled student, the one a sweep trains and scores. */
    static ResultRow studentRow(DistillationRun.Result result) {
        String name = StudentVariant.ENSEMBLE.label();
        return result.rows().stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new KdException("the trial's run has no row '" + name + "'; its rows: "
                        + result.rows().stream().map(ResultRow::name).toList()));
    }

    /** Arbiter's task factory: each candidate becomes one trial, or is skipped when already recorded. */
    private final class Trials implements TaskCreator {
        @Override
        public Callable<OptimizationResult> create(Candidate candidate, DataProvider dataProvider, ScoreFunction scoreFunction,
                                                   List<StatusListener> statusListeners, IOptimizationRunner runner) {
            return () -> {
                int index = candidate.getIndex();
                @SuppressWarnings("unchecked")
                Map<String, TrialValue> values = (Map<String, TrialValue>) candidate.getValue();
                TrialRecord done;
                synchronized (Sweep.this) {
                    done = records.get(index);
                }
                if (done == null) {
                    done = runTrial(index, values);
                    record(done);
                } else {
                    LOG.info("sweep: trial {} already recorded ({}), skipped", index, done.status());
                }
                boolean ok = done.status() == TrialRecord.Status.OK;
                long now = System.currentTimeMillis();
                CandidateInfo info = new CandidateInfo(index, ok ? CandidateStatus.Complete : CandidateStatus.Failed,
                        ok ? done.score() : null, now, now, now, candidate.getFlatParameters(), ok ? null : done.message());
                return new OptimizationResult(candidate, ok ? done.score() : null, index, null, info, null);
            };
        }

        @Override
        public Callable<OptimizationResult> create(Candidate candidate, Class<? extends DataSource> dataSource,
                                                   java.util.Properties properties, ScoreFunction scoreFunction,
                                                   List<StatusListener> statusListeners, IOptimizationRunner runner) {
            return create(candidate, (DataProvider) null, scoreFunction, statusListeners, runner);
        }
    }

    private static void copyRun(Path from, Path to) {
        try {
            org.kd4j.util.FileTrees.delete(to);
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path p : walk.toList()) {
                    Path rel = from.relativize(p);
                    if (rel.startsWith("work")) {
                        continue;
                    }
                    Path target = to.resolve(rel.toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new KdException("cannot copy the best trial " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }
}
