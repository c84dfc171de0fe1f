package org.kd4j.config;

import org.kd4j.ConfigException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.data.batch.PaddingMode;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.OnBadRow;

class ConfigLoaderTest {

    @TempDir Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("preset.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void fileOverridesDefaultsAndSetOverridesFile() throws IOException {
        Path file = yaml("task: mrpc\ndata:\n  max_length: 96\n  padding: FIXED\n");
        ExperimentConfig c = ConfigLoader.load(file, List.of("data.batch_size=8", "data.on_bad_row=skip"));
        assertEquals(GlueTask.MRPC, c.task());
        assertEquals(96, c.data().maxLength());
        assertEquals(PaddingMode.FIXED, c.data().padding());
        assertEquals(8, c.data().batchSize());
        assertEquals(OnBadRow.SKIP, c.data().onBadRow());
        assertEquals(DataConfig.defaults().seed(), c.data().seed(), "untouched keys keep their defaults");
        assertEquals("bert-base-uncased", c.tokenizer().vocab());
    }

    @Test
    void unknownKeyNamesFileAndKey() throws IOException {
        Path file = yaml("task: SST-2\ndata:\n  max_lenght: 64\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertTrue(e.getMessage().startsWith(file + ": unknown key 'data.max_lenght'"), e.getMessage());
        assertTrue(e.getMessage().contains("max_length"), "lists the known keys: " + e.getMessage());
    }

    @Test
    void unknownTopLevelKey() throws IOException {
        Path file = yaml("task: SST-2\nteacher: []\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertTrue(e.getMessage().startsWith(file + ": unknown key 'teacher'"), e.getMessage());
    }

    @Test
    void outOfRangeNamesKeyValueAndRange() throws IOException {
        Path file = yaml("data:\n  max_length: 1000\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertEquals(file + ": data.max_length = 1000 is out of range; allowed 8..512", e.getMessage());
        assertEquals("data.max_length", e.key());
    }

    @Test
    void outOfRangeFromSetNamesTheOverride() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("data.batch_size=0")));
        assertEquals("--set data.batch_size=0: data.batch_size = 0 is out of range; allowed 1..4096", e.getMessage());
    }

    @Test
    void unknownSetKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("data.sed=1")));
        assertTrue(e.getMessage().startsWith("--set data.sed=1: unknown key 'data.sed'"), e.getMessage());
        assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("model.layers=2")));
        assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("no-equals-sign")));
    }

    @Test
    void badEnumTypeAndTaskValues() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(yaml("data:\n  padding: ragged\n"), List.of()));
        assertTrue(e.getMessage().contains("data.padding = 'ragged' is not valid; expected one of dynamic, fixed"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(yaml("data:\n  batch_size: many\n"), List.of()));
        assertTrue(e.getMessage().contains("data.batch_size = 'many' is not valid"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(yaml("data:\n  batch_size: 2.5\n"), List.of()));
        assertTrue(e.getMessage().contains("data.batch_size"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(yaml("task: SST-3\n"), List.of()));
        assertTrue(e.getMessage().contains("unknown task 'SST-3'; expected one of CoLA, SST-2"), e.getMessage());
    }

    @Test
    void syntaxErrorsAndMissingFile() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(yaml("data: [\n"), List.of()));
        // one line: where, and what the parser expected (SnakeYAML's own message quotes the line with a caret under it)
        assertTrue(e.getMessage().endsWith(": not valid YAML: line 2, column 1: expected the node content, but found"
                + " '<stream end>' (while parsing a flow node)"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("student.train.epochs=[1")));
        assertEquals("--set student.train.epochs=[1: value is not valid YAML: line 1, column 3: expected ',' or ']', but got"
                + " <stream end> (while parsing a flow sequence from line 1, column 1)", e.getMessage());
        Path space = yaml("x: 1\ny: [2,\n");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.loadRecord(space, OneKey.class));
        assertEquals(space + ": not valid YAML: line 3, column 1: expected the node content, but found '<stream end>'"
                + " (while parsing a flow node)", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(yaml("- a\n- b\n"), List.of()));
        assertTrue(e.getMessage().contains("expected a mapping"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(yaml("task: SST-2\ntask: CoLA\n"), List.of()));
        assertTrue(e.getMessage().contains("Duplicate field 'task'"), e.getMessage());
        Path missing = dir.resolve("nope.yaml");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, List.of()));
        assertEquals(missing + ": config file not found", e.getMessage());
    }

    @Test
    void teacherEntriesAreReadOverTheDefaultTeacher() throws IOException {
        Path file = yaml("teachers:\n  - name: cnn\n    model: {type: cnn, ffn: 50}\n  - name: big\n    train: {epochs: 7}\n");
        ExperimentConfig c = ConfigLoader.load(file, List.of());
        assertEquals(2, c.teachers().size());
        assertEquals(org.kd4j.model.ModelType.CNN, c.teachers().get(0).model().type());
        assertEquals(50, ((org.kd4j.model.CnnConfig) c.teachers().get(0).model()).filters());
        assertEquals(TeacherConfig.defaults().model().hidden(), c.teachers().get(0).model().hidden());
        assertEquals(7, c.teachers().get(1).train().epochs());
        assertEquals(TeacherConfig.defaults().model(), c.teachers().get(1).model());
    }

    @Test
    void errorsInsideListsNameTheEntry() throws IOException {
        Path file = yaml("teachers:\n  - name: a\n  - name: b\n    model: {heads: 100}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertEquals(file + ": teachers[1].model.heads = 100 is out of range; allowed 1..64", e.getMessage());
        Path dup = yaml("teachers:\n  - name: a\n  - name: a\n");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dup, List.of()));
        assertTrue(e.getMessage().contains("teachers = 'a' is not valid; expected unique teacher names"), e.getMessage());
    }

    @Test
    void aTeachersInitPoolingIsOneOfThePoolingsOrTheExportsOwn() throws IOException {
        Path relu = yaml("teachers:\n  - name: d\n    init: d.onnx\n    pooling: CLS_RELU\n");
        assertEquals(org.kd4j.model.Pooling.CLS_RELU, ConfigLoader.load(relu, List.of()).teachers().get(0).initPooling());
        Path own = yaml("teachers:\n  - name: d\n    init: d.onnx\n");
        assertNull(ConfigLoader.load(own, List.of()).teachers().get(0).initPooling());
        Path max = yaml("teachers:\n  - name: d\n    init: d.onnx\n    pooling: max\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(max, List.of()));
        assertTrue(e.getMessage().contains("teachers[0].pooling = 'max' is not valid; expected mean, cls, cls_relu, cls_gelu, first, or empty"
                + " for the export's own"), e.getMessage());
    }

    @Test
    void studentInitNamesAnOnnxEncoderAndOnlyAStudentCanBeImported() throws IOException {
        ExperimentConfig c = ConfigLoader.load(List.of("student.init=encoders/minilm.onnx"));
        assertTrue(c.student().imported());
        assertEquals("encoders/minilm.onnx", c.student().init());
        assertFalse(ConfigLoader.load(List.of()).student().imported());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("student.init=model.bin")));
        assertTrue(e.getMessage().contains("student.init = 'model.bin' is not valid"), e.getMessage());
        Path file = yaml("teachers:\n  - name: a\n    model: {type: imported}\n");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertTrue(e.getMessage().contains("teachers[0].model.type = 'imported' is not valid"), e.getMessage());
    }

    @Test
    void resolvedConfigRoundTripsThroughYaml() throws IOException {
        ExperimentConfig c = ConfigLoader.load(List.of("task=STS-B", "data.max_length=77"));
        String text = ConfigLoader.toYaml(c);
        assertTrue(text.contains("task: STS-B"), text);
        assertTrue(text.contains("max_length: 77"), text);
        assertTrue(text.contains("padding: dynamic"), text);
        assertEquals(c, ConfigLoader.load(yaml(text), List.of()));
    }

    @Test
    void theOptimizerIsSetByFileOrSetAndWrittenOnlyWhenNotAdamW() throws IOException {
        ExperimentConfig defaults = ConfigLoader.load(List.of());
        assertEquals(OptimizerKind.ADAMW, defaults.student().train().optimizer());
        // AdamW, the default, is not written: configs, cached teachers' keys and quality cells hash as before the key
        assertFalse(ConfigLoader.toYaml(defaults).contains("optimizer"), ConfigLoader.toYaml(defaults));
        ExperimentConfig set = ConfigLoader.load(List.of("student.train.optimizer=adadelta",
                "student.train.learning_rate=1.0"));
        assertEquals(OptimizerKind.ADADELTA, set.student().train().optimizer());
        String text = ConfigLoader.toYaml(set);
        assertTrue(text.contains("optimizer: adadelta"), text);
        assertEquals(set, ConfigLoader.load(yaml(text), List.of()));
        ExperimentConfig teacher = ConfigLoader.load(yaml("teachers:\n  - name: t\n    train: {optimizer: sgd}\n"), List.of());
        assertEquals(OptimizerKind.SGD, teacher.teachers().get(0).train().optimizer());
        assertTrue(ConfigLoader.keys(defaults).contains("student.train.optimizer"), ConfigLoader.keys(defaults).toString());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(List.of("student.train.optimizer=lamb")));
        assertTrue(e.getMessage().contains("student.train.optimizer = 'lamb' is not valid; expected one of adamw, adadelta, sgd"),
                e.getMessage());
        // a near miss is an unknown key whose message lists the optional key among the known ones
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("student.train.optimiser=sgd")));
        assertTrue(e.getMessage().contains("unknown key 'student.train.optimiser'") && e.getMessage().contains("optimizer"),
                e.getMessage());
    }

    @Test
    void layersInABiLstmOrCnnSectionIsNamedAsUnusedButNotRefused() throws IOException {
        Path file = yaml("student:\n  model: {type: bilstm, layers: 2, hidden: 32, ffn: 20}\n"
                + "teachers:\n  - name: t\n  - name: conv\n    model: {type: cnn, layers: 3, ffn: 50}\n");
        List<String> notes = ConfigLoader.unusedKeyNotes(file, List.of());
        assertEquals(2, notes.size(), notes.toString());
        assertEquals(file + ": student.model.layers = 2 is not used: a bilstm's stacked layers are lstm_layers (1 here);"
                + " layers is a transformer's depth", notes.get(0));
        assertTrue(notes.get(1).startsWith(file + ": teachers[1].model.layers = 3 is not used: a cnn"), notes.get(1));
        ExperimentConfig c = ConfigLoader.load(file, List.of());
        assertEquals(1, ((org.kd4j.model.BiLstmConfig) c.student().model()).layers(), "the depth is lstm_layers'");

        List<String> set = ConfigLoader.unusedKeyNotes(file, List.of("student.model.layers=4"));
        assertEquals("--set student.model.layers=4: student.model.layers = 4 is not used: a bilstm's stacked layers are"
                + " lstm_layers (1 here); layers is a transformer's depth", set.get(0), "the source is the --set");
    }

    @Test
    void layersNotNamedOrOneOrEqualToLstmLayersOrOnATransformerGivesNoNote() throws IOException {
        // the default student's 6 layers stay in a bilstm section that does not name layers
        assertEquals(List.of(), ConfigLoader.unusedKeyNotes(
                yaml("student:\n  model: {type: bilstm, hidden: 32, ffn: 20}\n"), List.of()));
        assertEquals(List.of(), ConfigLoader.unusedKeyNotes(
                yaml("student:\n  model: {type: bilstm, layers: 1, hidden: 32, ffn: 20}\n"), List.of()));
        assertEquals(List.of(), ConfigLoader.unusedKeyNotes(
                yaml("student:\n  model: {type: bilstm, layers: 2, lstm_layers: 2, hidden: 32, ffn: 20}\n"), List.of()));
        assertEquals(List.of(), ConfigLoader.unusedKeyNotes(
                yaml("student:\n  model: {type: transformer, layers: 2}\n"), List.of("student.model.layers=3")));
    }

    @Test
    void aTransformerPresetSwitchedToABiLstmReadsWithANoteAndItsResolvedConfigWithout() throws IOException {
        Path preset = yaml("student:\n  model: {type: transformer, layers: 4, hidden: 64, heads: 2, ffn: 128}\n");
        List<String> set = List.of("student.model.type=bilstm");
        assertEquals(1, ConfigLoader.unusedKeyNotes(preset, set).size());
        ExperimentConfig c = ConfigLoader.load(preset, set);
        String yaml = ConfigLoader.toYaml(c);
        assertTrue(yaml.contains("layers: 1"), "a bilstm's resolved section writes layers: 1");
        Path resolved = dir.resolve("config.yaml");
        Files.writeString(resolved, yaml);
        assertEquals(c, ConfigLoader.load(resolved, List.of()));
        assertEquals(List.of(), ConfigLoader.unusedKeyNotes(resolved, List.of()));
    }

    @Test
    void optimizerConstantsAreSetByKeyWrittenOnlyWhenSetAndRefusedForAnotherOptimizer() {
        ExperimentConfig c = ConfigLoader.load(List.of("student.train.optimizer=sgd", "student.train.sgd_momentum=0"));
        assertEquals(0.0, c.student().train().sgdMomentum());
        assertTrue(ConfigLoader.toYaml(c.student().train()).contains("sgd_momentum: 0.0"));
        String defaults = ConfigLoader.toYaml(ExperimentConfig.defaults());
        for (String key : List.of("adam_beta1", "adam_beta2", "adam_epsilon", "adadelta_rho", "adadelta_epsilon",
                "sgd_momentum")) {
            assertFalse(defaults.contains(key), key + " is not written at its default");
        }
        assertEquals(0.98, ConfigLoader.load(List.of("student.train.adam_beta2=0.98")).student().train().adamBeta2());

        ConfigException wrong = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(List.of("student.train.optimizer=sgd", "student.train.adam_beta2=0.98")));
        assertTrue(wrong.getMessage().contains("adam_beta2") && wrong.getMessage().contains("applies to optimizer adamw only")
                && wrong.getMessage().contains("optimizer is sgd"), wrong.getMessage());
        ConfigException range = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(List.of("student.train.adam_beta1=1.0")));
        assertTrue(range.getMessage().contains("adam_beta1"), range.getMessage());
    }

    /** CoFinetuner's checkpoint fingerprint is built from this form: without constants it is the record's old one. */
    @Test
    void aTrainSectionWithoutOptimizerConstantsPrintsAsBeforeThem() {
        assertEquals("TrainConfig[epochs=3, learningRate=0.001, weightDecay=0.01, warmupFraction=0.1, clipNorm=1.0, seed=42,"
                + " checkpointEverySteps=0, earlyStoppingPatience=0, optimizer=ADAMW]", TrainConfig.defaults().toString());
        TrainConfig sgd = ConfigLoader.load(List.of("student.train.optimizer=sgd", "student.train.sgd_momentum=0.5"))
                .student().train();
        assertTrue(sgd.toString().endsWith("optimizer=SGD, sgdMomentum=0.5]"), sgd.toString());
    }

    @Test
    void teacherWeightsGoWithFixedWeightingAndOnlyWithIt() {
        // the defaults have one teacher
        ConfigException ignored = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(List.of("distill.teacher_weights=[0.5]")));
        assertEquals("--set distill.teacher_weights=[0.5]: distill.teacher_weights = '[0.5]' is not valid; expected none with"
                + " weighting uniform (weighting fixed is the one that reads them)", ignored.getMessage());
        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("distill.weighting=fixed")));
        assertTrue(missing.getMessage().contains("distill.teacher_weights = '[]' is not valid; expected one weight per teacher,"
                + " not all 0, with weighting fixed"), missing.getMessage());
        assertThrows(ConfigException.class,
                () -> ConfigLoader.load(List.of("distill.weighting=fixed", "distill.teacher_weights=[0]")));
        assertEquals(List.of(2.0), ConfigLoader.load(List.of("distill.weighting=fixed", "distill.teacher_weights=[2]"))
                .distill().teacherWeights());
    }

    @Test
    void theFirstDifferenceBetweenTwoConfigurationsIsNamed() {
        ExperimentConfig a = ConfigLoader.load(List.of());
        ExperimentConfig b = ConfigLoader.load(List.of("student.train.learning_rate=0.123", "data.max_length=32"));
        String before = ConfigLoader.toYamlWithout(a, "run");
        assertEquals(java.util.Optional.empty(), ConfigLoader.difference(before, ConfigLoader.toYamlWithout(a, "run")));
        // in document order: data comes before student
        assertEquals(java.util.Optional.of("data.max_length: " + a.data().maxLength() + " before, 32 now"),
                ConfigLoader.difference(before, ConfigLoader.toYamlWithout(b, "run")));
        assertEquals(java.util.Optional.of("run: (absent) before, {\"dir\":\"x\"} now"), ConfigLoader.difference("{}", "run: {dir: x}"));
        assertEquals(java.util.Optional.of("a.b: [1,2] before, [1,3] now"), ConfigLoader.difference("a: {b: [1, 2]}", "a: {b: [1, 3]}"));
    }

    /** A record read by {@link ConfigLoader#loadRecord} (as sweep spaces and quality plans are). */
    record OneKey(int x, java.util.List<Integer> y) {}
}
