package org.kd4j.quality;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A finished cell's numbers as the plan's results ledger keeps them ({@code <ledger_dir>/<task>/<student>/<cell>/seed-<n>.json}):
 * its {@link CellRecord} and the {@link CellResult} the report reads, without the run directory (no models, no curves).
 * The ledger is a folder of small files meant to be committed, so that a fresh clone holds the benchmark's finished
 * cells: a cell recorded there with its current configuration is done and does not run again, and the report reads it
 * where its run directory is gone.
 *
 * <p>Teachers' model files are kept by file name only ({@code minilm-0b57268a0e83e81d.kdm}, the cache key): the cache's
 * folder differs from machine to machine, the key does not.
 *
 * @param task the task
 * @param student the student's name in the plan
 * @param cell the cell's id
 * @param seed the student's seed
 * @param seconds the cell's wall time
 * @param finished when it finished (ISO-8601)
 * @param command the command that ran it
 * @param configSha256 the SHA-256 of the cell's resolved configuration ({@link QualityCell#configSha256()})
 * @param studentScore the student's main dev metric
 * @param studentParameters the student's trainable parameters
 * @param devExamples dev examples scored
 * @param teachers each teacher's own main dev metric
 * @param teacherTrainSeconds each teacher's fine-tuning time
 * @param teacherModels each teacher's cached model, by file name
 * @param ensemble the ensemble's own main dev metric; null unless the cell distils from the ensemble
 */
public record LedgerEntry(String task, String student, String cell, long seed, double seconds, String finished, String command,
                          String configSha256, double studentScore, long studentParameters, int devExamples,
                          Map<String, Double> teachers, Map<String, Double> teacherTrainSeconds, Map<String, String> teacherModels,
                          Double ensemble) {

    public LedgerEntry {
        teachers = teachers == null ? Map.of() : new LinkedHashMap<>(teachers);
        teacherTrainSeconds = teacherTrainSeconds == null ? Map.of() : new LinkedHashMap<>(teacherTrainSeconds);
        teacherModels = teacherModels == null ? Map.of() : new LinkedHashMap<>(teacherModels);
    }

    /** The entry of a finished cell, from its record and its result. */
    static LedgerEntry of(CellRecord record, CellResult result) {
        Map<String, String> models = new LinkedHashMap<>();
        result.teacherModelFiles().forEach((name, file) -> models.put(name, modelName(file)));
        return new LedgerEntry(record.task(), record.student(), record.cell(), record.seed(), record.seconds(), record.finished(),
                record.command(), record.configSha256(), result.student(), result.studentParameters(), result.devExamples(),
                result.teachers(), result.teacherTrainSeconds(), models, result.ensemble().orElse(null));
    }

    /** A teacher's model file as the ledger keeps it: its file name, the teacher cache's key. */
    static String modelName(String file) {
        Path name = Path.of(file).getFileName();
        return name == null ? file : name.toString();
    }

    CellResult result() {
        return new CellResult(studentScore, studentParameters, devExamples, teachers, teacherTrainSeconds, teacherModels,
                Optional.ofNullable(ensemble), seconds);
    }

    void write(Path file) {
        RecordFiles.write(file, this);
    }

    /** The entry in {@code file}; empty when there is none or it cannot be read (logged: the cell counts as not recorded). */
    static Optional<LedgerEntry> read(Path file) {
        return RecordFiles.read(file, LedgerEntry.class, "the cell counts as not recorded");
    }
}
