package org.kd4j.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.ConfigException;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.TeacherConfig;
import org.kd4j.config.StudentVariant;
import org.kd4j.config.WeightingScheme;

/** The committed plan's cells, and plans that are refused with the file, key and value named. */
class QualityPlanTest {

    private static final Path GLUE5 = Path.of("hparams/quality/glue5.yaml");

    static final String TINY = """
            results_dir: %s
            seeds: [1, 2]
            cells: [cross_entropy, single_teacher, ensemble]
            weightings: [uniform, confidence, teacher_loss]
            base:
              data: {dir: %s, max_length: 24, batch_size: 16}
              teachers:
                - {name: t1, model: {type: cnn, hidden: 16, ffn: 16}}
                - {name: t2, model: {type: bilstm, hidden: 16, ffn: 16}}
              run: {cache_dir: %s}
            tasks:
              - task: SST-2
              - task: MRPC
                data: {max_length: 32}
            students:
              - name: s1
                description: a tiny transformer
                student: {model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32}}
              - name: s2
                student: {init: encoder.onnx, init_layers: 1}
            """;

    static Path tinyPlan(Path dir) throws Exception {
        Path plan = dir.resolve("tiny-plan.yaml");
        Files.writeString(plan, TINY.formatted(dir.resolve("results"), dir.resolve("data"), dir.resolve("cache")));
        return plan;
    }

    @Test
    void theCommittedPlanMakesEveryCell() {
        QualityPlan plan = QualityPlan.load(GLUE5);
        List<QualityCell> cells = QualityBenchmark.allCells(plan, GLUE5.toString());
        // 5 tasks x 3 seeds x 3 students x (cross-entropy + 2 teachers + 3 weightings)
        assertEquals(5 * 3 * 3 * 6, cells.size());
        assertEquals(cells.size(), cells.stream().map(QualityCell::dir).distinct().count(), "one run directory per cell");

        QualityCell ce = cell(cells, "SST-2/sead/cross-entropy/seed-1");
        ExperimentConfig c = ce.config();
        assertTrue(c.teachers().isEmpty());
        assertEquals(List.of(StudentVariant.CROSS_ENTROPY), c.run().students());
        assertEquals(1, c.student().train().seed());
        assertEquals(Path.of("runs/quality/SST-2/sead/cross-entropy/seed-1").toString(), c.run().dir());
        assertFalse(c.run().measureTeachers());
        assertFalse(c.run().saveModel());
        assertEquals(8000, c.data().trainLimit());
        assertEquals(64, c.data().maxLength());
        assertEquals(6, c.student().model().flat().layers());
        assertEquals(256, c.student().model().hidden());

        ExperimentConfig single = cell(cells, "MRPC/bilstm/teacher-bge-small/seed-3").config();
        assertEquals(List.of("bge-small"), single.teachers().stream().map(TeacherConfig::name).toList());
        assertEquals(List.of(StudentVariant.ENSEMBLE), single.run().students());
        assertEquals(WeightingScheme.UNIFORM, single.distill().weighting());
        assertEquals(3, single.student().train().seed());
        assertEquals(0, single.data().trainLimit());
        assertTrue(single.teachers().get(0).pretrained());

        ExperimentConfig ensemble = cell(cells, "STS-B/minilm-l3/ensemble-teacher_loss/seed-2").config();
        assertEquals(List.of("minilm", "bge-small"), ensemble.teachers().stream().map(TeacherConfig::name).toList());
        assertEquals(WeightingScheme.TEACHER_LOSS, ensemble.distill().weighting());
        assertEquals(1.0, ensemble.distill().temperature());
        assertEquals(3, ensemble.student().initLayers());
        assertTrue(ensemble.student().imported());
        assertEquals(2, ensemble.student().train().seed());
    }

    private static QualityCell cell(List<QualityCell> cells, String key) {
        return cells.stream().filter(c -> c.key().equals(key)).findFirst().orElseThrow(() -> new AssertionError(key));
    }

    @Test
    void badPlansNameTheFileTheKeyAndTheValue(@TempDir Path dir) throws Exception {
        Path plan = tinyPlan(dir);
        String text = Files.readString(plan);
        assertRefused(dir, text.replace("seeds: [1, 2]", "seeds: [1, 2]\nrepeats: 3"), "unknown key 'repeats'");
        assertRefused(dir, text.replace("results_dir:", "resultz_dir:"), "results_dir = 'null' is not valid");
        assertRefused(dir, text.replace("max_length: 24,", "max_length: 24, colour: red,"), "unknown key 'data.colour'");
        assertRefused(dir, text.replace("[uniform, confidence, teacher_loss]", "[uniform, fixed]"), "weightings = 'fixed' is not valid");
        assertRefused(dir, text.replace("[uniform, confidence, teacher_loss]", "[uniform, loud]"), "'loud'");
        assertRefused(dir, text.replace("[cross_entropy, single_teacher, ensemble]", "[cross_entropy, best]"), "'best'");
        assertRefused(dir, text.replace("seeds: [1, 2]", "seeds: [1, 1]"), "seeds = '[1, 1]' is not valid; expected each seed once");
        assertRefused(dir, text.replace("  run: {cache_dir:", "  student: {}\n  run: {cache_dir:"), "base.student");
        assertRefused(dir, text.replace("  run: {cache_dir:", "  run: {dir: x, cache_dir:"), "base.run.dir");
        assertRefused(dir, text.replace("init_layers: 1", "init_layers: -1"), "student.init_layers = -1 is out of range");
        assertRefused(dir, text.replace("{init: encoder.onnx, init_layers: 1}", "{init_layers: 2}"),
                "student.init_layers = '2' is not valid");
        assertRefused(dir, text.replace("- task: MRPC", "- task: NOPE"), "unknown task 'NOPE'");
        String noTeachers = text.replace("""
                  teachers:
                    - {name: t1, model: {type: cnn, hidden: 16, ffn: 16}}
                    - {name: t2, model: {type: bilstm, hidden: 16, ffn: 16}}
                """, "  teachers: []\n");
        assertRefused(dir, noTeachers, "base.teachers: the cells");
        // without teacher cells, no teachers are needed
        Path ok = dir.resolve("ce-only.yaml");
        Files.writeString(ok, noTeachers.replace("[cross_entropy, single_teacher, ensemble]", "[cross_entropy]"));
        assertEquals(2 * 2 * 2, QualityBenchmark.allCells(QualityPlan.load(ok), ok.toString()).size());
    }

    private static void assertRefused(Path dir, String text, String expected) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, text);
        ConfigException e = assertThrows(ConfigException.class, () -> QualityPlan.load(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
