package org.kd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
