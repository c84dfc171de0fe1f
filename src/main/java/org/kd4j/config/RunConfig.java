package org.kd4j.config;

import org.kd4j.ConfigException;
import java.util.List;
import org.kd4j.util.Parallelism;

/**
 * Where a run writes, and which students it trains.
 *
 * @param dir the run directory (the distilled student, its report, metrics and provenance)
 * @param cacheDir trained teachers and their cached logits, shared by runs and sweeps
 * @param students the student variants to train (the last one listed that ran is written as the run's model:
 *     the ensemble-distilled one when present); sweeps train only {@code ensemble}
 * @param measureTeachers load every teacher and time a pass over the dev set in this run (the table's speed columns
 *     and the summary line). {@code false}: a cached teacher whose logits are all cached is not loaded at all (its dev
 *     metrics come from the cached logits, its parameter count from its provenance file): what many runs over the same
 *     teachers, such as the quality benchmark, want
 * @param saveModel write the student ({@code model.kdm}, {@code model.sdz}, {@code tokenizer/}) into the run directory;
 *     {@code false} keeps only the report, metrics, config and provenance (for benchmarks of many runs, where the models
 *     would fill the disk)
 * @param parallelism threads per op, workers and micro-batches of this run's training and scoring (the CLI's
 *     {@code --threads}, {@code --workers}, {@code --micro-batch-tokens} override it); written resolved with the run's
 *     config. Threads per op is one setting per process, applied by the entry point: see {@link Parallelism}
 * @param teacherLedger a folder, meant to be committed, that keeps a copy of the teachers' receipts (their provenance
 *     with the model file's SHA-256) and of their logits, never their models: {@code <teacher_ledger>/<model>.json} and
 *     {@code <teacher_ledger>/logits/}. A run on a machine without the teachers' model files then takes a teacher from
 *     its receipt, without fine-tuning it again, when every logit the run needs is in the cache or the ledger and
 *     nothing else needs the model ({@code measure_teachers: false}, no hidden or layer loss on it). Empty: none (the
 *     quality benchmark sets it under its {@code ledger_dir})
 * @param teacherRuntime what runs a native teacher when it scores data ({@code kd4j}, the default, or
 *     {@code onnx_runtime}; see {@link TeacherRuntime}). The quality benchmark's cells keep the default
 */
public record RunConfig(String dir, String cacheDir, List<StudentVariant> students, boolean measureTeachers,
                        boolean saveModel, Parallelism parallelism, String teacherLedger, TeacherRuntime teacherRuntime) {

    public RunConfig {
        ConfigException.requireText("dir", dir);
        ConfigException.requireText("cache_dir", cacheDir);
        if (students == null || students.isEmpty()) {
            throw ConfigException.invalid("students", students, "at least one of cross_entropy, best_teacher, ensemble");
        }
        students = List.copyOf(students);
        if (parallelism == null) {
            throw ConfigException.invalid("parallelism", null, "a mapping of threads_per_op, workers, micro_batch_tokens");
        }
        teacherLedger = teacherLedger == null ? "" : teacherLedger;
        teacherRuntime = teacherRuntime == null ? TeacherRuntime.KD4J : teacherRuntime;
    }

    /** A run without a teacher ledger. */
    public RunConfig(String dir, String cacheDir, List<StudentVariant> students, boolean measureTeachers, boolean saveModel,
                     Parallelism parallelism) {
        this(dir, cacheDir, students, measureTeachers, saveModel, parallelism, "", TeacherRuntime.KD4J);
    }

    /** A run with {@link Parallelism#defaults()}. */
    public RunConfig(String dir, String cacheDir, List<StudentVariant> students, boolean measureTeachers, boolean saveModel) {
        this(dir, cacheDir, students, measureTeachers, saveModel, Parallelism.defaults());
    }

    /** A run that measures its teachers and saves its student. */
    public RunConfig(String dir, String cacheDir, List<StudentVariant> students) {
        this(dir, cacheDir, students, true, true);
    }

    public static RunConfig defaults() {
        return new RunConfig("runs/default", "runs/cache", List.of(StudentVariant.values()), true, true);
    }

    /** This run with {@code p} instead of its parallelism. */
    public RunConfig withParallelism(Parallelism p) {
        return new RunConfig(dir, cacheDir, students, measureTeachers, saveModel, p, teacherLedger, teacherRuntime);
    }

    /** This run with {@code ledger} as its teacher ledger (empty: none). */
    public RunConfig withTeacherLedger(String ledger) {
        return new RunConfig(dir, cacheDir, students, measureTeachers, saveModel, parallelism, ledger, teacherRuntime);
    }


    /** The teacher ledger's folder; empty when the run has none. */
    public java.util.Optional<java.nio.file.Path> teacherLedgerDir() {
        return teacherLedger.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(java.nio.file.Path.of(teacherLedger));
    }
}
