package org.kd4j.quality;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.kd4j.KdException;
import org.kd4j.config.StudentVariant;
import org.kd4j.distill.TeacherProvenance;
import org.kd4j.eval.Metric;
import org.kd4j.run.RunDirectory;
import org.kd4j.run.RunMetrics;
import org.kd4j.run.RunProvenance;

/**
 * A finished cell's numbers, read back from its run directory: the student's main dev metric, the teachers' and the
 * ensemble's own, the teachers' fine-tuning times and the cell's wall time.
 *
 * @param student the student's main dev metric
 * @param studentParameters the student's trainable parameters
 * @param devExamples dev examples scored
 * @param teachers each teacher's own main dev metric
 * @param teacherTrainSeconds each teacher's fine-tuning time, from its provenance file next to the cached model (else the
 *     run's metrics; 0 when unknown)
 * @param teacherModelFiles each teacher's cached model file, from the run's provenance
 * @param ensemble the ensemble's own main dev metric; empty unless the cell distils from the ensemble
 * @param seconds the cell's wall time
 */
public record CellResult(double student, long studentParameters, int devExamples, Map<String, Double> teachers,
                         Map<String, Double> teacherTrainSeconds, Map<String, String> teacherModelFiles,
                         Optional<Double> ensemble, double seconds) {

    /** Reads a done cell; {@code metric} is the task's main metric. */
    public static CellResult read(QualityCell cell, Metric metric) {
        RunDirectory run = new RunDirectory(cell.dir());
        Path file = run.file(RunDirectory.METRICS);
        String key = "dev_" + metric.key();
        StudentVariant variant = cell.cell().kind() == CellKind.CROSS_ENTROPY ? StudentVariant.CROSS_ENTROPY : StudentVariant.ENSEMBLE;
        Double student = null;
        long parameters = 0;
        int examples = 0;
        Double ensemble = null;
        Map<String, Double> teachers = new LinkedHashMap<>();
        Map<String, Double> trainSeconds = new LinkedHashMap<>();
        for (RunMetrics.Row row : run.readMetrics().rows()) {
            String name = row.name();
            double value = row.dev(metric).orElseThrow(() -> new KdException(file + ": row '" + name + "' has no " + key));
            if (name.startsWith(variant.label())) {
                student = value;
                parameters = row.parameters();
                examples = row.devExamples();
            } else if (name.startsWith("teacher ")) {
                String teacher = name.substring("teacher ".length()).split(" ", 2)[0];
                teachers.put(teacher, value);
                trainSeconds.put(teacher, row.trainSeconds());
            } else if (name.startsWith("ensemble ") && cell.cell().weighting() != null) {
                ensemble = value;
            }
        }
        if (student == null) {
            throw new KdException(file + ": no row '" + variant.label() + "'");
        }
        Map<String, String> modelFiles = new LinkedHashMap<>();
        for (RunProvenance.TeacherEntry t : run.readProvenance().teachers()) {
            modelFiles.put(t.name(), t.modelFile());
            // the teacher's fine-tuning time from its provenance file next to the cached model, when it has one
            TeacherProvenance.read(Path.of(t.modelFile())).ifPresent(p -> trainSeconds.put(t.name(), p.trainSeconds()));
        }
        double seconds = CellRecord.read(cell.dir()).map(CellRecord::seconds).orElse(0.0);
        return new CellResult(student, parameters, examples, teachers, trainSeconds, modelFiles, Optional.ofNullable(ensemble),
                seconds);
    }
}
