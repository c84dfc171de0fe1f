package org.kd4j.quality;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.kd4j.KdException;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.DistillConfig;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.RunConfig;
import org.kd4j.config.StudentConfig;
import org.kd4j.config.TeacherConfig;
import org.kd4j.config.TeacherStage;
import org.kd4j.config.TrainConfig;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.config.StudentVariant;
import org.kd4j.config.WeightingScheme;
import org.kd4j.eval.Metric;
import org.kd4j.run.RunDirectory;
import org.kd4j.util.Hashing;

/**
 * One run of the benchmark: a (task, student, cell, seed) with its run configuration and run directory,
 * {@code <results_dir>/<task>/<student>/<cell>/seed-<n>}.
 *
 * @param config the run: for cross-entropy no teachers and {@code run.students: [cross_entropy]}; for one teacher that
 *     teacher alone and {@code [ensemble]}; for the ensemble all teachers, the cell's weighting and {@code [ensemble]};
 *     for a method the same as the ensemble, made from the method's configuration ({@link QualityPlan#methodConfig});
 *     always the cell's seed as the student's, {@code run.measure_teachers: false}
 * @param ledgerFile its entry in the plan's results ledger, {@code <ledger_dir>/<task>/<student>/<cell>/seed-<n>.json};
 *     null when the plan has no ledger
 */
public record QualityCell(GlueTask task, String student, Cell cell, long seed, Path dir, ExperimentConfig config,
                          Path ledgerFile) {

    /** Where a cell stands. */
    public enum Status {
        /**
         * Finished with this configuration: its run directory is finished and its cell record written, or the plan's
         * results ledger records it.
         */
        DONE,
        /** Finished with another configuration (the plan was edited since): it runs again. */
        STALE,
        /** Started before and not finished (interrupted or failed): it runs again from the start. */
        UNFINISHED,
        /** Never started. */
        TO_RUN;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** The cell's run configuration, made from the (task, student) configuration the plan gives. */
    public static QualityCell of(QualityPlan plan, ExperimentConfig shared, String student, Cell cell, long seed) {
        Path dir = Path.of(plan.resultsDir(), shared.task().displayName(), student, cell.id(), "seed-" + seed);
        List<TeacherConfig> teachers = switch (cell.kind()) {
            case CROSS_ENTROPY -> List.of();
            case SINGLE_TEACHER -> shared.teachers().stream().filter(t -> t.name().equals(cell.teacher())).toList();
            case ENSEMBLE, METHOD -> shared.teachers();
        };
        if (cell.kind() == CellKind.SINGLE_TEACHER && teachers.isEmpty()) {
            throw new IllegalArgumentException("no teacher " + cell.teacher() + " in " + shared.teachers());
        }
        StudentVariant variant = cell.kind() == CellKind.CROSS_ENTROPY ? StudentVariant.CROSS_ENTROPY : StudentVariant.ENSEMBLE;
        DistillConfig d = shared.distill();
        DistillConfig distill = new DistillConfig(d.temperature(), d.temperatureEnd(), d.hardWeight(), d.softWeight(),
                cell.weighting() != null ? cell.weighting() : WeightingScheme.UNIFORM, List.of(), d.softLoss(),
                d.averageLogits(), d.hardDistillation(), d.hiddenWeight(), hiddenDims(d, shared.teachers(), teachers),
                teachers.stream().anyMatch(t -> t.name().equals(d.layers().teacher())) ? d.layers()
                        : org.kd4j.config.LayerDistillation.off());
        StudentConfig s = shared.student();
        TrainConfig t = s.train();
        StudentConfig studentConfig = new StudentConfig(s.model(), t.withSeed(seed), s.init(),
                s.embeddings(), s.embeddingsFrom(), s.initLayers(), s.dropout());
        RunConfig run = new RunConfig(dir.toString(), shared.run().cacheDir(), List.of(variant), false, plan.saveModels())
                .withTeacherLedger(shared.run().teacherLedger());
        // the teacher stage applies to cells that use all the teachers (a co-finetuned set is one joint run of them all)
        TeacherStage stage = cell.kind() == CellKind.ENSEMBLE || cell.kind() == CellKind.METHOD ? shared.teacherStage()
                : TeacherStage.defaults();
        ExperimentConfig config = new ExperimentConfig(shared.task(), shared.data(), shared.tokenizer(), teachers, studentConfig,
                distill, run, stage);
        Path ledger = plan.ledgerDir() == null ? null
                : Path.of(plan.ledgerDir(), shared.task().displayName(), student, cell.id(), "seed-" + seed + ".json");
        return new QualityCell(shared.task(), student, cell, seed, dir, config, ledger);
    }

    /** The pooled widths of {@code chosen} among {@code all}, when the plan names them ({@code distill.hidden_dims}). */
    private static List<Integer> hiddenDims(DistillConfig d, List<TeacherConfig> all, List<TeacherConfig> chosen) {
        if (d.hiddenDims().isEmpty()) {
            return List.of();
        }
        return chosen.stream().map(t -> d.hiddenDims().get(all.indexOf(t))).toList();
    }

    /** {@code SST-2/sead/ensemble-uniform/seed-1}. */
    public String key() {
        return task.displayName() + "/" + student + "/" + cell.id() + "/seed-" + seed;
    }

    public Status status() {
        String sha = configSha256();
        Optional<CellRecord> here = finishedRecord();
        Optional<LedgerEntry> recorded = ledgerEntry();
        if (here.map(r -> sha.equals(r.configSha256())).orElse(false)
                || recorded.map(e -> sha.equals(e.configSha256())).orElse(false)) {
            return Status.DONE;
        }
        if (here.isPresent() || recorded.isPresent()) {
            return Status.STALE;
        }
        return Files.isDirectory(dir) ? Status.UNFINISHED : Status.TO_RUN;
    }

    /** The cell record of a finished run directory, whatever its configuration; empty when the run is not finished. */
    private Optional<CellRecord> finishedRecord() {
        return new RunDirectory(dir).finished() ? CellRecord.read(dir) : Optional.empty();
    }

    /** Whether the cell's run directory holds a finished run of this configuration (not only the ledger). */
    public boolean finishedHere() {
        return finishedRecord().map(r -> configSha256().equals(r.configSha256())).orElse(false);
    }

    /** The cell's entry in the plan's results ledger, whatever its configuration; empty without one. */
    Optional<LedgerEntry> ledgerEntry() {
        return ledgerFile == null ? Optional.empty() : LedgerEntry.read(ledgerFile);
    }

    /**
     * A done cell's numbers: from its run directory when it is there, else from the results ledger.
     *
     * @throws KdException when the cell is not done
     */
    public CellResult result(Metric metric) {
        if (finishedHere()) {
            return CellResult.read(this, metric);
        }
        return ledgerEntry().filter(e -> configSha256().equals(e.configSha256())).map(LedgerEntry::result)
                .orElseThrow(() -> new KdException("cell " + key() + " is not done (" + status().label() + ")"));
    }

    /**
     * The SHA-256 of the resolved run configuration (as written to the run's config.yaml) without {@code run.parallelism}:
     * workers and micro-batches change a cell's result by float rounding at most, so a cell finished with other ones
     * stays done. Nor {@code run.teacher_ledger}: where copies of the teachers' logits are kept changes nothing. Nor the
     * {@link #LATER_KEYS} at their defaults.
     */
    public String configSha256() {
        List<String> without = new java.util.ArrayList<>(List.of("run.parallelism", "run.teacher_ledger"));
        LATER_KEYS.stream().filter(k -> k.atDefault().test(config)).map(LaterKey::key).forEach(without::add);
        return Hashing.fieldsHex("kd4j.quality.cell.v1", ConfigLoader.toYamlWithout(config, without.toArray(String[]::new)));
    }

    /** A configuration key added after cells were first hashed, and when it holds the value those cells ran with. */
    private record LaterKey(String key, java.util.function.Predicate<ExperimentConfig> atDefault) {}

    /**
     * The keys added after cells were first hashed: each is left out of the hash while it holds its default, so that
     * cells finished before it existed stay done, and a cell that sets it is another configuration.
     */
    private static final List<LaterKey> LATER_KEYS = List.of(
            new LaterKey("teacher_stage", c -> !c.teacherStage().cofinetuned()),
            new LaterKey("student.embeddings_from",
                    c -> c.student().embeddingsFrom() == org.kd4j.config.EmbeddingsFrom.WORD_TABLE),
            new LaterKey("student.dropout", c -> c.student().dropout() == 0),
            new LaterKey("run.teacher_runtime", c -> c.run().teacherRuntime() == org.kd4j.config.TeacherRuntime.KD4J));
}
