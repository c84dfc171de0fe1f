package org.kd4j.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.kd4j.KdException;
import org.kd4j.config.StudentVariant;
import org.kd4j.distill.TeacherProvenance;
import org.kd4j.eval.Metric;
import org.kd4j.run.RunDirectory;

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

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads a done cell; {@code metric} is the task's main metric. */
    public static CellResult read(QualityCell cell, Metric metric) {
        Path file = cell.dir().resolve(RunDirectory.METRICS);
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new KdException(file + ": unreadable (" + e.getMessage() + ")", e);
        }
        String key = "dev_" + metric.key();
        StudentVariant variant = cell.cell().kind() == CellKind.CROSS_ENTROPY ? StudentVariant.CROSS_ENTROPY : StudentVariant.ENSEMBLE;
        Double student = null;
        long parameters = 0;
        int examples = 0;
        Double ensemble = null;
        Map<String, Double> teachers = new LinkedHashMap<>();
        Map<String, Double> trainSeconds = new LinkedHashMap<>();
        for (JsonNode row : root.path("rows")) {
            String name = row.path("name").asText();
            if (!row.has(key)) {
                throw new KdException(file + ": row '" + name + "' has no " + key);
            }
            double value = row.get(key).asDouble();
            if (name.startsWith(variant.label())) {
                student = value;
                parameters = row.path("parameters").asLong();
                examples = row.path("dev_examples").asInt();
            } else if (name.startsWith("teacher ")) {
                String teacher = name.substring("teacher ".length()).split(" ", 2)[0];
                teachers.put(teacher, value);
                trainSeconds.put(teacher, row.path("train_seconds").asDouble());
            } else if (name.startsWith("ensemble ") && cell.cell().kind() == CellKind.ENSEMBLE) {
                ensemble = value;
            }
        }
        if (student == null) {
            throw new KdException(file + ": no row '" + variant.label() + "'");
        }
        Map<String, String> modelFiles = new LinkedHashMap<>();
        fromProvenance(cell.dir(), trainSeconds, modelFiles);
        double seconds = CellRecord.read(cell.dir()).map(CellRecord::seconds).orElse(0.0);
        return new CellResult(student, parameters, examples, teachers, trainSeconds, modelFiles, Optional.ofNullable(ensemble),
                seconds);
    }

    /** The teachers' model files and their fine-tuning times (from their provenance files), found through the run's provenance. */
    private static void fromProvenance(Path dir, Map<String, Double> trainSeconds, Map<String, String> modelFiles) {
        Path file = dir.resolve(RunDirectory.PROVENANCE);
        try {
            for (JsonNode t : JSON.readTree(file.toFile()).path("teachers")) {
                String name = t.path("name").asText();
                String model = t.path("model_file").asText();
                modelFiles.put(name, model);
                TeacherProvenance.read(Path.of(model)).ifPresent(p -> trainSeconds.put(name, p.trainSeconds()));
            }
        } catch (IOException e) {
            throw new KdException(file + ": unreadable (" + e.getMessage() + ")", e);
        }
    }
}
