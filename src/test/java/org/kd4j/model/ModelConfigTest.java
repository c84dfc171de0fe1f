package org.kd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.ConfigException;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;

/** One record per architecture, the flat form of YAML and model files, and model files written before the records. */
class ModelConfigTest {

    @TempDir Path dir;

    @Test
    void theFlatKeysMakeEachArchitecturesRecord() {
        assertEquals(new TransformerConfig(2, 16, 4, 24, 32, Pooling.CLS),
                ModelConfig.of(ModelType.TRANSFORMER, 2, 16, 4, 24, 32, Pooling.CLS));
        // ffn is the units of a BiLSTM and the filters of a CNN; layers, heads and max_positions do not apply
        assertEquals(new BiLstmConfig(12, 10), ModelConfig.of(ModelType.BILSTM, 6, 12, 8, 10, 128, Pooling.MEAN));
        assertEquals(new CnnConfig(12, 6), ModelConfig.of(ModelType.CNN, 2, 12, 4, 6, 64, Pooling.MEAN));
        ModelConfig imported = new ModelConfig.Flat(ModelType.IMPORTED, 3, 384, 1, 384, 512, Pooling.CLS,
                Activation.GELU, 1e-12).config();
        assertEquals(new ImportedConfig(3, 384, 384, 512), imported);
    }

    @Test
    void eachRecordReadsBackFromItsFlatForm() {
        for (ModelConfig c : List.of(new TransformerConfig(1, 16, 2, 32, 16, Pooling.FIRST, Activation.RELU, 1e-5),
                new BiLstmConfig(8, 5), new CnnConfig(8, 3), new ImportedConfig(2, 32, 64, 128))) {
            assertEquals(c, c.flat().config(), c.toString());
            assertEquals(c.type(), c.flat().type());
            assertEquals(c.hidden(), c.flat().hidden());
        }
    }

    @Test
    void eachRecordValidatesItsOwnFields() {
        ConfigException e = assertThrows(ConfigException.class, () -> new TransformerConfig(1, 10, 4, 8, 16, Pooling.MEAN));
        assertEquals("hidden", e.key());
        e = assertThrows(ConfigException.class, () -> new BiLstmConfig(8, 0));
        assertEquals("ffn", e.key());
        e = assertThrows(ConfigException.class, () -> new CnnConfig(1, 4));
        assertEquals("hidden", e.key());
        e = assertThrows(ConfigException.class, () -> ModelConfig.of(ModelType.CNN, 1, 8, 1, 4, 4, Pooling.MEAN));
        assertEquals("max_positions", e.key(), "every flat key is range-checked, as before");
    }

    @Test
    void transformerKeysThatDoNotApplyAreRejectedNamingTheKey() throws IOException {
        Path file = dir.resolve("cnn-with-activation.yaml");
        Files.writeString(file, "teachers:\n  - name: cnn\n    model: {type: cnn, hidden: 32, ffn: 50, activation: relu}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertTrue(e.getMessage().startsWith(file + ": teachers[0].model.activation = 'relu' is not valid; expected"
                + " gelu_sigmoid (activation applies to transformers only, not to cnn)"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("student.model.type=bilstm",
                "student.model.pooling=cls")));
        assertTrue(e.getMessage().contains("student.model.pooling = 'cls' is not valid; expected mean"), e.getMessage());
        // a BiLSTM section that only names its own keys reads over the default (transformer) keys without error
        ExperimentConfig c = ConfigLoader.load(List.of("student.model.type=bilstm", "student.model.ffn=64"));
        assertEquals(new BiLstmConfig(256, 64), c.student().model());
    }

    /**
     * {@code head_units} (a ReLU layer before a BiLSTM's classifier) is written only when set, so shapes without it
     * serialise as before; it reads from YAML and {@code --set}, survives a model file, and is refused elsewhere.
     */
    @Test
    void aBiLstmReluHeadIsWrittenOnlyWhenSetAndRefusedOnOtherModels() throws IOException {
        assertFalse(ConfigLoader.toYaml(new BiLstmConfig(8, 5)).contains("head_units"), ConfigLoader.toYaml(new BiLstmConfig(8, 5)));
        assertTrue(ConfigLoader.toYaml(new BiLstmConfig(8, 5, 12)).contains("head_units: 12"));
        assertEquals(new BiLstmConfig(8, 5, 12), new BiLstmConfig(8, 5, 12).flat().config());

        ExperimentConfig c = ConfigLoader.load(List.of("student.model.type=bilstm", "student.model.ffn=64",
                "student.model.head_units=40"));
        assertEquals(new BiLstmConfig(256, 64, 40), c.student().model());
        assertTrue(ConfigLoader.keys(ExperimentConfig.defaults()).contains("student.model.head_units"));
        Path file = dir.resolve("bilstm-head.yaml");
        Files.writeString(file, "student:\n  model: {type: bilstm, hidden: 32, ffn: 20, head_units: 16}\n");
        assertEquals(new BiLstmConfig(32, 20, 16), ConfigLoader.load(file, List.of()).student().model());

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("student.model.head_units=16")));
        assertTrue(e.getMessage().contains("student.model.head_units = '16' is not valid; expected 0 (head_units applies to"
                + " bilstm only, not to transformer)"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> new BiLstmConfig(8, 5, -1));
        assertEquals("head_units", e.key());

        TextClassifier model = TextClassifier.create(new BiLstmConfig(8, 5, 6), 30, 2, 5);
        Path kdm = dir.resolve("bilstm-head.kdm");
        model.save(kdm);
        TextClassifier loaded = TextClassifier.load(kdm);
        assertEquals(new BiLstmConfig(8, 5, 6), loaded.config());
        assertEquals(model.parameters(), loaded.parameters());
        // the ReLU layer reads the 2 x 5 pooled states; the classifier reads its 6 units
        assertEquals(List.of(10L, 6L), List.of(loaded.parameters().get("head_w").shape()[0], loaded.parameters().get("head_w").shape()[1]));
        assertEquals(List.of(6L, 2L), List.of(loaded.parameters().get("classifier_w").shape()[0],
                loaded.parameters().get("classifier_w").shape()[1]));
    }

    /**
     * {@code embedding_size} (a transformer's embedding tables narrower than its hidden size, projected to it, as
     * ELECTRA-small's) is written only when set, so shapes without it serialise, and hash, as before; equal to hidden it
     * is no projection; it reads from YAML and {@code --set}, survives a model file, and is refused on other models.
     */
    @Test
    void aTransformersEmbeddingSizeIsWrittenOnlyWhenSetAndRefusedOnOtherModels() throws IOException {
        TransformerConfig plain = new TransformerConfig(1, 16, 2, 32, 16, Pooling.MEAN);
        assertFalse(ConfigLoader.toYaml(plain).contains("embedding_size"), ConfigLoader.toYaml(plain));
        TransformerConfig small = new TransformerConfig(1, 16, 2, 32, 16, Pooling.CLS_GELU, Activation.GELU, 1e-12, 8);
        assertTrue(ConfigLoader.toYaml(small).contains("embedding_size: 8"), ConfigLoader.toYaml(small));
        assertEquals(small, small.flat().config());
        assertEquals(8, small.embeddingWidth());
        assertTrue(small.projectsEmbeddings());
        assertEquals(plain, new TransformerConfig(1, 16, 2, 32, 16, Pooling.MEAN, Activation.GELU_SIGMOID, 0, 16),
                "an embedding size equal to hidden is no projection: the same shape");

        ExperimentConfig c = ConfigLoader.load(List.of("student.model.embedding_size=128"));
        assertEquals(128, ((TransformerConfig) c.student().model()).embeddingSize());
        assertTrue(ConfigLoader.keys(ExperimentConfig.defaults()).contains("student.model.embedding_size"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("student.model.type=cnn",
                "student.model.embedding_size=32")));
        assertTrue(e.getMessage().contains("student.model.embedding_size = '32' is not valid; expected 0 (embedding_size"
                + " applies to transformers only; a cnn's embedding width is hidden)"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> new TransformerConfig(1, 16, 2, 32, 16, Pooling.MEAN, Activation.GELU, 0, -1));
        assertEquals("embedding_size", e.key());

        TextClassifier model = TextClassifier.create(small, 30, 2, 5);
        assertEquals(List.of(30L, 8L), List.of(model.parameters().get("emb_tokens").shape()[0], model.parameters().get("emb_tokens").shape()[1]));
        assertEquals(List.of(8L, 16L), List.of(model.parameters().get("emb_proj_w").shape()[0], model.parameters().get("emb_proj_w").shape()[1]));
        Path kdm = dir.resolve("electra-small.kdm");
        model.save(kdm);
        TextClassifier loaded = TextClassifier.load(kdm);
        assertEquals(small, loaded.config());
        assertEquals(model.parameters(), loaded.parameters());
    }

    /**
     * {@code lstm_layers} (stacked BiLSTM layers) is written only when not 1, so one-layer shapes serialise, and hash, as
     * before; it reads from YAML and {@code --set} (where {@code layers}, the default transformer's 6, does not count),
     * survives a model file, is range-checked, and is refused on other models.
     */
    @Test
    void stackedBiLstmLayersAreWrittenOnlyWhenNotOneAndRefusedOnOtherModels() throws IOException {
        assertFalse(ConfigLoader.toYaml(new BiLstmConfig(8, 5, 0, 1)).contains("lstm_layers"));
        assertFalse(ConfigLoader.toYaml(new TransformerConfig(1, 16, 2, 32, 16, Pooling.MEAN)).contains("lstm_layers"));
        assertTrue(ConfigLoader.toYaml(new BiLstmConfig(8, 5, 0, 2)).contains("lstm_layers: 2"));
        assertEquals(new BiLstmConfig(8, 5, 3, 2), new BiLstmConfig(8, 5, 3, 2).flat().config());

        ExperimentConfig c = ConfigLoader.load(List.of("student.model.type=bilstm", "student.model.ffn=64"));
        assertEquals(1, ((BiLstmConfig) c.student().model()).layers(), "a BiLSTM section without lstm_layers has one layer");
        c = ConfigLoader.load(List.of("student.model.type=bilstm", "student.model.ffn=64", "student.model.lstm_layers=2"));
        assertEquals(new BiLstmConfig(256, 64, 0, 2), c.student().model());
        assertTrue(ConfigLoader.keys(ExperimentConfig.defaults()).contains("student.model.lstm_layers"));
        Path file = dir.resolve("bilstm-deep.yaml");
        Files.writeString(file, "student:\n  model: {type: bilstm, hidden: 32, ffn: 20, lstm_layers: 3}\n");
        assertEquals(new BiLstmConfig(32, 20, 0, 3), ConfigLoader.load(file, List.of()).student().model());

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("student.model.lstm_layers=2")));
        assertTrue(e.getMessage().contains("student.model.lstm_layers = '2' is not valid; expected 1 (lstm_layers applies to"
                + " bilstm only, not to transformer"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("student.model.type=bilstm",
                "student.model.lstm_layers=0")));
        assertTrue(e.getMessage().contains("lstm_layers"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> new BiLstmConfig(8, 5, 0, BiLstmConfig.MAX_LAYERS + 1));
        assertEquals("lstm_layers", e.key());

        TextClassifier model = TextClassifier.create(new BiLstmConfig(8, 5, 0, 2), 30, 2, 5);
        Path kdm = dir.resolve("bilstm-deep.kdm");
        model.save(kdm);
        TextClassifier loaded = TextClassifier.load(kdm);
        assertEquals(new BiLstmConfig(8, 5, 0, 2), loaded.config());
        assertEquals(model.parameters(), loaded.parameters());
        // the second layer reads both directions of the first: 2 x 5 wide
        assertEquals(List.of(10L, 20L), List.of(loaded.parameters().get("lstm2_fwd_w").shape()[0],
                loaded.parameters().get("lstm2_fwd_w").shape()[1]));
    }

    /**
     * A model file's header holds the flat keys, as before the per-architecture records; a file written then, whose
     * CNN header carries the transformer keys of the YAML defaults it was made from, loads to the same model.
     */
    @Test
    void modelFilesKeepTheirHeaderAndOldHeadersLoad() throws IOException {
        TextClassifier model = TextClassifier.create(new CnnConfig(8, 4), 30, 2, 5);
        Path file = dir.resolve("cnn.kdm");
        model.save(file);
        String magic;
        String header;
        byte[] rest;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            magic = in.readUTF();
            header = in.readUTF();
            rest = in.readAllBytes();
        }
        assertTrue(header.startsWith("{\"model\":{\"type\":\"CNN\",\"layers\":1,\"hidden\":8,\"heads\":1,\"ffn\":4,"
                + "\"maxPositions\":512,\"pooling\":\"MEAN\",\"activation\":\"GELU_SIGMOID\",\"layerNormEps\":0.0},"), header);

        String old = header.replace("\"layers\":1,", "\"layers\":6,").replace("\"heads\":1,", "\"heads\":8,")
                .replace("\"maxPositions\":512,", "\"maxPositions\":128,")
                .replace(",\"activation\":\"GELU_SIGMOID\",\"layerNormEps\":0.0", "");
        Path oldFile = dir.resolve("old-cnn.kdm");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeUTF(magic);
            out.writeUTF(old);
            out.write(rest);
        }
        Files.write(oldFile, buffer.toByteArray());
        TextClassifier loaded = TextClassifier.load(oldFile);
        assertInstanceOf(CnnConfig.class, loaded.config());
        assertEquals(new CnnConfig(8, 4), loaded.config());
        assertEquals(model.parameters(), loaded.parameters());
    }
}
