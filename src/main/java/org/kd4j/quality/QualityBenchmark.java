package org.kd4j.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.eval.Evaluation;
import org.kd4j.eval.Metric;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.RunConfig;
import org.kd4j.data.augment.Augmentation;
import org.kd4j.data.augment.PosTagger;
import org.kd4j.data.augment.WordTagger;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.distill.DistillationRun;
import org.kd4j.config.StudentVariant;
import org.kd4j.distill.TaskData;
import org.kd4j.distill.Teacher;
import org.kd4j.distill.TeacherPool;
import org.kd4j.distill.train.Progress;
import org.kd4j.util.AtomicFiles;
import org.kd4j.util.FileTrees;
import org.kd4j.util.NativeGarbage;
import org.kd4j.util.Parallelism;

/**
 * Runs a plan's cells in this JVM, one {@link DistillationRun} each, skipping the finished ones: the benchmark is
 * resumable and can be completed over several invocations (an interrupted cell runs again from its start). Before a
 * task's cells, its teachers are fine-tuned (or taken from the cache) and score the data once, timed; every cell then
 * takes them from the cache without loading them ({@code run.measure_teachers: false}). Each cell's wall time goes
 * into its {@link CellRecord}.
 *
 * <p>Order: task, then seed, then student, then cell (the plan's cells, then its methods'), so that a partial benchmark
 * has whole tables for its first seeds. Before a method's first cell that reads an augmented transfer set, the set is
 * made (or reused, {@link AugmentedTransferSet}); its teachers label it through the logit cache in that first cell, whose
 * time includes that.
 */
public final class QualityBenchmark {

    private static final Logger LOG = LogManager.getLogger(QualityBenchmark.class);

    /** What the teachers' preparation of a task records: {@code <results_dir>/<task>/}{@value #TEACHERS_FILE}. */
    public static final String TEACHERS_FILE = "teachers.json";

    private final QualityPlan plan;
    private final String source;
    private final Selection selection;
    private final Supplier<WordTagger> tagger;

    /**
     * The cells to run: a subset of the plan's tasks, students and seeds (empty lists: all of them), and of its methods.
     *
     * @param tasks tasks of the plan
     * @param students names of the plan's students
     * @param seeds seeds of the plan
     * @param methods names of the plan's methods: only their cells, their controls' cells and their baseline cells
     *     ({@code ensemble-<method_weighting>} of the tasks and students they run on) are selected; empty: every cell,
     *     every method's too
     * @param withoutMethods the plan's own cells only, no method's
     */
    public record Selection(List<GlueTask> tasks, List<String> students, List<Long> seeds, List<String> methods,
                            boolean withoutMethods) {

        public Selection {
            tasks = tasks == null ? List.of() : List.copyOf(tasks);
            students = students == null ? List.of() : List.copyOf(students);
            seeds = seeds == null ? List.of() : List.copyOf(seeds);
            methods = methods == null ? List.of() : List.copyOf(methods);
            if (withoutMethods && !methods.isEmpty()) {
                throw new KdException("--methods and --no-methods: expected one of them, found both");
            }
        }

        /** Tasks, students and seeds; every method. */
        public Selection(List<GlueTask> tasks, List<String> students, List<Long> seeds) {
            this(tasks, students, seeds, List.of(), false);
        }

        public static Selection all() {
            return new Selection(List.of(), List.of(), List.of());
        }

        /**
         * Whether a cell of the plan (its own or a method's) is selected, as to its kind. A selected method brings its
         * control's cells ({@code control:}), which it is compared with.
         */
        boolean selects(QualityPlan plan, Cell cell) {
            if (cell.kind() == CellKind.METHOD) {
                return !withoutMethods && (methods.isEmpty() || methods.contains(cell.method())
                        || methods.stream().anyMatch(m -> cell.method().equals(plan.method(m).control())));
            }
            return methods.isEmpty() || plan.methodBaseline().map(cell::equals).orElse(false);
        }
    }

    /** A cell that failed (with {@code keepGoing}). */
    public record Failure(QualityCell cell, String message) { }

    /** What an invocation did. */
    public record Outcome(List<QualityCell> ran, List<QualityCell> skipped, List<Failure> failures) { }

    /**
     * @param source the plan's file, for messages
     * @throws KdException naming the option and value when the selection names a task, student or seed the plan does not have
     */
    public QualityBenchmark(QualityPlan plan, String source, Selection selection) {
        this(plan, source, selection, PosTagger::english);
    }

    /**
     * @param tagger the part-of-speech tagger of the methods' augmented transfer sets (asked for only when one is made);
     *     {@link PosTagger#english()} by default
     */
    public QualityBenchmark(QualityPlan plan, String source, Selection selection, Supplier<WordTagger> tagger) {
        this.plan = plan;
        this.source = source;
        this.selection = selection;
        this.tagger = tagger;
        List<GlueTask> planTasks = plan.tasks().stream().map(QualityPlan.TaskPlan::task).toList();
        for (GlueTask t : selection.tasks()) {
            if (!planTasks.contains(t)) {
                throw new KdException("--tasks: " + t + " is not a task of the plan " + source + " (" + join(planTasks) + ")");
            }
        }
        List<String> planStudents = plan.students().stream().map(QualityPlan.StudentPlan::name).toList();
        for (String s : selection.students()) {
            if (!planStudents.contains(s)) {
                throw new KdException("--students: '" + s + "' is not a student of the plan " + source + " (" + join(planStudents) + ")");
            }
        }
        for (long seed : selection.seeds()) {
            if (!plan.seeds().contains(seed)) {
                throw new KdException("--seeds: " + seed + " is not a seed of the plan " + source + " (" + join(plan.seeds()) + ")");
            }
        }
        List<String> planMethods = plan.methods().stream().map(QualityPlan.MethodPlan::name).toList();
        for (String m : selection.methods()) {
            if (!planMethods.contains(m)) {
                throw new KdException("--methods: '" + m + "' is not a method of the plan " + source + " ("
                        + (planMethods.isEmpty() ? "it has none" : join(planMethods)) + ")");
            }
        }
    }

    private static String join(List<?> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** Every cell of the plan, in run order. */
    public static List<QualityCell> allCells(QualityPlan plan, String source) {
        return cells(plan, source, Selection.all());
    }

    /** The selected cells, in run order. */
    public List<QualityCell> cells() {
        return cells(plan, source, selection);
    }

    private static List<QualityCell> cells(QualityPlan plan, String source, Selection selection) {
        List<QualityCell> out = new ArrayList<>();
        for (QualityPlan.TaskPlan t : plan.tasks()) {
            if (!selection.tasks().isEmpty() && !selection.tasks().contains(t.task())) {
                continue;
            }
            Map<String, ExperimentConfig> shared = new LinkedHashMap<>();
            Map<String, Map<Cell, ExperimentConfig>> methods = new LinkedHashMap<>();
            for (QualityPlan.StudentPlan s : plan.students()) {
                if (selection.students().isEmpty() || selection.students().contains(s.name())) {
                    shared.put(s.name(), plan.config(source, t.task(), s.name()));
                    Map<Cell, ExperimentConfig> byMethod = new LinkedHashMap<>();
                    for (Cell cell : plan.methodCells(t.task(), s.name())) {
                        if (selection.selects(plan, cell)) {
                            byMethod.put(cell, plan.methodConfig(source, t.task(), s.name(), cell.method()));
                        }
                    }
                    methods.put(s.name(), byMethod);
                }
            }
            for (long seed : plan.seeds()) {
                if (!selection.seeds().isEmpty() && !selection.seeds().contains(seed)) {
                    continue;
                }
                shared.forEach((student, config) -> {
                    // with --methods, a baseline cell only where a selected method has cells to compare with it
                    boolean baselineNeeded = selection.methods().isEmpty() || !methods.get(student).isEmpty();
                    for (Cell cell : plan.cells(config.task(), config.teachers())) {
                        if (selection.selects(plan, cell) && baselineNeeded) {
                            out.add(QualityCell.of(plan, config, student, cell, seed));
                        }
                    }
                    methods.get(student).forEach((cell, methodConfig) ->
                            out.add(QualityCell.of(plan, methodConfig, student, cell, seed)));
                });
            }
        }
        return out;
    }

    /**
     * Runs every selected cell that is not done.
     *
     * @param command the command line, recorded in each run's provenance and cell record
     * @param keepGoing after a failed cell, go on with the next (the failures are returned); otherwise the first
     *     failure is thrown, naming the cell
     * @param parallelism threads per op (as the process runs), workers and micro-batches of every cell and of the
     *     teachers' training and scoring; not part of a cell's identity (it changes results by float rounding at most)
     * @param afterEach called after each cell that ran (e.g. to rewrite the report)
     */
    public Outcome run(String command, boolean keepGoing, Parallelism parallelism, Progress progress,
                       Consumer<QualityCell> afterEach) {
        List<QualityCell> all = cells();
        recordInLedger(plan, all);
        List<QualityCell> ran = new ArrayList<>();
        List<QualityCell> skipped = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        long toRun = all.stream().filter(c -> c.status() != QualityCell.Status.DONE).count();
        LOG.info("quality benchmark {}: {} cell(s) selected, {} done, {} to run", source, all.size(), all.size() - toRun, toRun);
        if (toRun > 0) {
            LOG.info("quality benchmark {}: {}", source, TimeLeft.of(all, allCells(plan, source)).describe());
        }
        GlueTask prepared = null;
        Map<GlueTask, String> unprepared = new LinkedHashMap<>();
        int index = 0;
        for (QualityCell cell : all) {
            if (cell.status() == QualityCell.Status.DONE) {
                skipped.add(cell);
                continue;
            }
            index++;
            boolean teachers = cell.cell().kind() != CellKind.CROSS_ENTROPY;
            if (teachers && unprepared.containsKey(cell.task())) {
                // with keepGoing: the task's teachers failed once; its teacher cells are not tried again in this invocation
                failures.add(new Failure(cell, "the teachers of " + cell.task() + " failed: " + unprepared.get(cell.task())));
                continue;
            }
            try {
                if (teachers && cell.task() != prepared) {
                    try {
                        prepareTeachers(cell.task(), all, parallelism, progress);
                    } catch (RuntimeException e) {
                        unprepared.put(cell.task(), e instanceof KdException ? e.getMessage() : e.toString());
                        throw e;
                    }
                    prepared = cell.task();
                }
                if (cell.cell().kind() == CellKind.METHOD && plan.method(cell.cell().method()).augment() != null) {
                    // the augmented transfer set the cell reads: made once (before its first cell), then reused
                    AugmentedTransferSet.ensure(Path.of(cell.config().data().transferFile()), cell.task(), cell.config().data(),
                            plan.method(cell.cell().method()).augment().settings(),
                            plan.method(cell.cell().method()).augment().rows(), tagger.get(),
                            Augmentation.Listener.logging("augment " + cell.task(), 10_000));
                    recordAugmentedInLedger(plan, cell);
                }
                LOG.info("quality cell {}/{}: {}", index, toRun, cell.key());
                runCell(cell, command, parallelism, progress);
                ran.add(cell);
                afterEach.accept(cell);
            } catch (RuntimeException e) {
                if (!keepGoing) {
                    LOG.error("cell {} failed; the cells before it are kept, and the next invocation starts with it", cell.key());
                    throw e instanceof KdException ? new KdException("cell " + cell.key() + ": " + e.getMessage(), e) : e;
                }
                LOG.error("cell {} failed: {}", cell.key(), e.toString());
                failures.add(new Failure(cell, e instanceof KdException ? e.getMessage() : e.toString()));
            }
        }
        return new Outcome(ran, skipped, failures);
    }

    private void runCell(QualityCell cell, String command, Parallelism parallelism, Progress progress) {
        try {
            // an interrupted cell starts again from a clean directory (its checkpoints belong to the interrupted run)
            FileTrees.delete(cell.dir());
        } catch (IOException e) {
            throw new KdException("cannot clear " + cell.dir() + ": " + e.getMessage(), e);
        }
        String cellCommand = command + " [cell " + cell.key() + "]";
        long start = System.nanoTime();
        ExperimentConfig c = cell.config();
        ExperimentConfig config = new ExperimentConfig(c.task(), c.data(), c.tokenizer(), c.teachers(), c.student(), c.distill(),
                c.run().withParallelism(parallelism), c.teacherStage());
        new DistillationRun(config, cellCommand, false, progress).run();
        double seconds = (System.nanoTime() - start) / 1e9;
        // hundreds of runs in one JVM: the finished run's native buffers are returned before the next run allocates
        NativeGarbage.collect("cell " + cell.key());
        new CellRecord(cell.task().displayName(), cell.student(), cell.cell().id(), cell.seed(), seconds,
                Instant.now().toString(), cellCommand, cell.configSha256()).write(cell.dir());
        writeLedgerEntry(cell);
        LOG.info("quality cell {} done in {} s (resident memory now {} MB)", cell.key(), String.format(Locale.ROOT, "%.1f", seconds),
                NativeGarbage.residentKb() / 1024);
    }

    /**
     * Fine-tunes the task's teachers (or takes them from the cache) and scores the data once, before its cells. The time
     * is recorded in {@value #TEACHERS_FILE} with the teachers' model files and which of them were trained here, when
     * teachers were trained here or no record of these teachers exists yet.
     */
    private void prepareTeachers(GlueTask task, List<QualityCell> cells, Parallelism parallelism, Progress progress) {
        String student = cells.stream().filter(c -> c.task() == task).findFirst().orElseThrow().student();
        ExperimentConfig shared = plan.config(source, task, student);
        // all the task's teachers, as the ensemble cells see them
        ExperimentConfig config = new ExperimentConfig(task, shared.data(), shared.tokenizer(), shared.teachers(), shared.student(),
                shared.distill(), new RunConfig(shared.run().dir(), shared.run().cacheDir(), List.of(StudentVariant.ENSEMBLE),
                false, false, parallelism, shared.run().teacherLedger(), org.kd4j.config.TeacherRuntime.KD4J), shared.teacherStage());
        LOG.info("quality benchmark {}: teachers {}", task, shared.teachers().stream().map(t -> t.name()).toList());
        long start = System.nanoTime();
        TaskData data = new TaskData(task, config.data());
        List<Teacher> teachers = new TeacherPool(config, data, progress).teachers();
        double seconds = (System.nanoTime() - start) / 1e9;
        NativeGarbage.collect("the teachers of " + task);
        if (plan.minTeacherMargin() != null) {
            double baseline = Evaluation.constantBaseline(task, data.devLabels(), data.devScores());
            for (Teacher t : teachers) {
                requireLearned(task, t.name(), t.dev().main(), t.modelFile(), baseline, plan.minTeacherMargin());
            }
        }
        Path file = teachersFile(plan, task);
        boolean trainedHere = teachers.stream().anyMatch(t -> !t.cached());
        // teachers taken from the cache or their receipts keep the record of the run that fine-tuned them: the results
        // directory's, else the ledger's (a fresh clone must not replace the fine-tuning time with a few seconds)
        boolean recorded = recordedFor(file, teachers)
                || ledgerTeachersFile(plan, task).map(f -> recordedFor(f, teachers)).orElse(false);
        if (trainedHere || !recorded) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("task", task.displayName());
            record.put("seconds", seconds);
            record.put("finished", Instant.now().toString());
            record.put("teachers", teachers.stream().map(t -> Map.of("name", t.name(), "model_file", t.modelFile().toString(),
                    "train_seconds", t.trainSeconds(), "trained_here", !t.cached())).toList());
            try {
                AtomicFiles.write(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(record));
            } catch (IOException e) {
                throw new KdException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
        recordTeachersInLedger(plan, task);
    }

    /**
     * Stops a task's teacher cells when a teacher's dev score is not {@code marginPoints} above the best constant
     * prediction ({@code min_teacher_margin}): an untrained or collapsed teacher (bge-small-en-v1.5 gave STS-B a dev
     * Pearson of 1.8 in every epoch while split regression batches carried no loss) would be distilled into every cell.
     *
     * @param score the teacher's dev main metric, a fraction; {@code baseline} likewise
     * @throws KdException naming the teacher, its score, the baseline, the margin and its model file
     */
    static void requireLearned(GlueTask task, String teacher, double score, Path modelFile, double baseline,
                               double marginPoints) {
        if (!(score * 100 >= baseline * 100 + marginPoints)) {
            throw new KdException(String.format(Locale.ROOT, "teacher %s on %s: dev %s %.2f is not min_teacher_margin %.1f"
                    + " points above the best constant prediction (%.2f): it collapsed or learned nothing, and the cells"
                    + " would distil it (model %s); fix its recipe in teachers[%s] (a changed recipe is a new teacher in the cache)",
                    teacher, task.displayName(), Metric.mainFor(task).key(), score * 100, marginPoints, baseline * 100,
                    modelFile, teacher));
        }
    }

    /**
     * Keeps in the plan's results ledger ({@code ledger_dir}) the numbers of every given cell whose run directory is
     * finished with its current configuration and which the ledger does not hold as such, and each of their tasks'
     * teachers' preparation record; a cell run by this class is recorded as it finishes, this catches up with cells run
     * before the plan had a ledger (or by an older build). Nothing without a ledger.
     *
     * @return how many cells were recorded
     */
    public static int recordInLedger(QualityPlan plan, List<QualityCell> cells) {
        if (plan.ledgerDir() == null) {
            return 0;
        }
        int recorded = 0;
        Set<GlueTask> tasks = new LinkedHashSet<>();
        for (QualityCell cell : cells) {
            tasks.add(cell.task());
            boolean current = cell.ledgerEntry().map(e -> e.configSha256().equals(cell.configSha256())).orElse(false);
            if (!current && cell.finishedHere()) {
                writeLedgerEntry(cell);
                recorded++;
            }
        }
        tasks.forEach(t -> recordTeachersInLedger(plan, t));
        cells.forEach(c -> recordAugmentedInLedger(plan, c));
        if (recorded > 0) {
            LOG.info("results ledger {}: {} finished cell(s) recorded", plan.ledgerDir(), recorded);
        }
        return recorded;
    }

    private static void writeLedgerEntry(QualityCell cell) {
        if (cell.ledgerFile() == null) {
            return;
        }
        CellRecord record = CellRecord.read(cell.dir())
                .orElseThrow(() -> new KdException(cell.dir().resolve(CellRecord.FILE) + ": missing after the cell's run"));
        LedgerEntry.of(record, CellResult.read(cell, Metric.mainFor(cell.task()))).write(cell.ledgerFile());
    }

    /**
     * The ledger's copy of a task's teachers' preparation record ({@value #TEACHERS_FILE}, model files by name), written
     * when the results directory has one the ledger lacks or holds otherwise.
     */
    private static void recordTeachersInLedger(QualityPlan plan, GlueTask task) {
        Path from = teachersFile(plan, task);
        Optional<Path> to = ledgerTeachersFile(plan, task);
        if (to.isEmpty() || !Files.isRegularFile(from)) {
            return;
        }
        try {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            JsonNode node = json.readTree(from.toFile());
            for (JsonNode t : node.path("teachers")) {
                if (t instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                    o.put("model_file", LedgerEntry.modelName(t.path("model_file").asText()));
                }
            }
            if (!Files.isRegularFile(to.get()) || !json.readTree(to.get().toFile()).equals(node)) {
                AtomicFiles.write(to.get(), json.writeValueAsBytes(node));
            }
        } catch (IOException e) {
            throw new KdException("cannot copy " + from + " to the results ledger " + to.get() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The ledger's copy of the record of the augmented transfer set a method's cell reads (its file by name), written
     * when the results directory has the record (the set is made) and the ledger does not; the set itself is not copied.
     */
    private static void recordAugmentedInLedger(QualityPlan plan, QualityCell cell) {
        if (plan.ledgerDir() == null || cell.cell().kind() != CellKind.METHOD || plan.method(cell.cell().method()).augment() == null) {
            return;
        }
        Path file = Path.of(cell.config().data().transferFile());
        Path to = AugmentedTransferSet.recordFile(ledgerAugmentedFile(plan, cell.task(), file));
        if (!Files.isRegularFile(to)) {
            AugmentedTransferSet.read(file).ifPresent(set -> RecordFiles.write(to, set.withFile(file.getFileName().toString())));
        }
    }

    /** Where the plan's results ledger keeps (the record of) an augmented transfer file: {@code <ledger>/<task>/augmented/}. */
    static Path ledgerAugmentedFile(QualityPlan plan, GlueTask task, Path transferFile) {
        return Path.of(plan.ledgerDir(), task.displayName(), AugmentedTransferSet.FOLDER, transferFile.getFileName().toString());
    }

    /** The record of an augmented transfer file: beside it in the results directory, else the results ledger's copy. */
    static Optional<AugmentedTransferSet> augmentedRecord(QualityPlan plan, GlueTask task, Path transferFile) {
        Optional<AugmentedTransferSet> here = AugmentedTransferSet.read(transferFile);
        if (here.isPresent() || plan.ledgerDir() == null) {
            return here;
        }
        return AugmentedTransferSet.read(ledgerAugmentedFile(plan, task, transferFile));
    }

    /** Where the plan's results ledger keeps a task's teachers' preparation record; empty without a ledger. */
    static Optional<Path> ledgerTeachersFile(QualityPlan plan, GlueTask task) {
        return plan.ledgerDir() == null ? Optional.empty() : Optional.of(Path.of(plan.ledgerDir(), task.displayName(), TEACHERS_FILE));
    }

    /**
     * Whether {@code file} records a preparation of exactly these teachers' model files (by path, or by file name as the
     * ledger's copy has them).
     */
    private static boolean recordedFor(Path file, List<Teacher> teachers) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            Map<String, String> recorded = new LinkedHashMap<>();
            new ObjectMapper().readTree(file.toFile()).path("teachers")
                    .forEach(t -> recorded.put(t.path("name").asText(), t.path("model_file").asText()));
            Map<String, String> current = new LinkedHashMap<>();
            teachers.forEach(t -> current.put(t.name(), t.modelFile().toString()));
            if (recorded.equals(current)) {
                return true;
            }
            // the ledger's copy names model files without their folder
            current.replaceAll((name, model) -> LedgerEntry.modelName(model));
            return recorded.equals(current);
        } catch (IOException e) {
            LOG.warn("{}: unreadable ({}); rewritten", file, e.getMessage());
            return false;
        }
    }

    /** Where the teachers' preparation of a task is recorded. */
    public static Path teachersFile(QualityPlan plan, GlueTask task) {
        return Path.of(plan.resultsDir(), task.displayName(), TEACHERS_FILE);
    }
}
