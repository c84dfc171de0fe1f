package org.kd4j.imports.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.imports.ImportException;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.testing.Fixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Bad input gives errors that name the file and the node or input. */
class ImportErrorsTest {

    private static final Path TINY = Fixtures.resource("fixtures/tribuo-tinybert/tinybert.onnx");
    private static Onnx.ModelProto model;

    @TempDir static Path dir;

    @BeforeAll
    static void read() throws Exception {
        model = Onnx.ModelProto.parseFrom(Files.readAllBytes(TINY));
    }

    private static Path write(String name, Onnx.ModelProto m) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, m.toByteArray());
        return file;
    }

    private static String importError(Path file) {
        return assertThrows(ImportException.class, () -> new OnnxImporter().importFile(file, OnnxImporter.Options.defaults()))
                .getMessage();
    }

    @Test
    void truncatedFile() throws Exception {
        byte[] bytes = Files.readAllBytes(TINY);
        Path file = dir.resolve("truncated.onnx");
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        String msg = importError(file);
        assertTrue(msg.contains("truncated.onnx") && msg.contains("truncated/corrupt"), msg);
    }

    @Test
    void wrongFileType() throws Exception {
        Path file = dir.resolve("vocab.onnx");
        Files.writeString(file, "[PAD]\n[UNK]\nhello\n");
        String msg = importError(file);
        assertTrue(msg.contains("vocab.onnx") && msg.contains("not an ONNX model"), msg);
        String missing = importError(dir.resolve("absent.onnx"));
        assertTrue(missing.contains("absent.onnx") && missing.contains("no such"), missing);
    }

    @Test
    void opsetOutsideTheSupportedRange() throws Exception {
        for (int opset : new int[] {9, 18}) {
            Onnx.ModelProto m = model.toBuilder().clearOpsetImport()
                    .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(opset)).build();
            String msg = importError(write("opset" + opset + ".onnx", m));
            assertTrue(msg.contains("opset " + opset) && msg.contains("11..17"), msg);
        }
    }

    @Test
    void missingGraphInput() throws Exception {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
        g.removeInput(1); // attention_mask
        String msg = importError(write("no-mask.onnx", model.toBuilder().setGraph(g).build()));
        assertTrue(msg.contains("no 'attention_mask' input"), msg);
    }

    @Test
    void unknownGraphInput() throws Exception {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
        g.setInput(2, g.getInput(2).toBuilder().setName("position_bias"));
        String msg = importError(write("extra-input.onnx", model.toBuilder().setGraph(g).build()));
        assertTrue(msg.contains("graph input 'position_bias' is not part of the contract"), msg);
    }

    @Test
    void floatIdsAreRefused() throws Exception {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
        Onnx.ValueInfoProto.Builder in = g.getInput(0).toBuilder();
        in.getTypeBuilder().getTensorTypeBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber());
        g.setInput(0, in);
        String msg = importError(write("float-ids.onnx", model.toBuilder().setGraph(g).build()));
        assertTrue(msg.contains("graph input 'input_ids'") && msg.contains("FLOAT"), msg);
    }

    @Test
    void everyUnsupportedOpIsListedAtOnce() throws Exception {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            Onnx.NodeProto n = g.getNode(i);
            if (n.getOpType().equals("Erf")) {
                g.setNode(i, n.toBuilder().setOpType("BiasGelu").setDomain("com.microsoft"));
            } else if (n.getOpType().equals("Tanh")) {
                g.setNode(i, n.toBuilder().setOpType("Mish"));
            }
        }
        Path file = write("unsupported.onnx", model.toBuilder().setGraph(g).build());
        List<String> problems = new OnnxImporter().check(file);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("Erf_") && problems.get(0).contains("com.microsoft::BiasGelu"), problems.toString());
        assertTrue(problems.get(1).contains("Tanh_") && problems.get(1).contains("(Mish)"), problems.toString());
        String msg = importError(file);
        assertTrue(msg.contains("2 unsupported construct(s)") && msg.contains("BiasGelu") && msg.contains("Mish"), msg);
        assertTrue(new OnnxImporter().check(TINY).isEmpty());
    }

    @Test
    void int32IdsImportAndInt64IsRequiredAtRunTime() throws Exception {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInputCount(); i++) {
            Onnx.ValueInfoProto.Builder in = g.getInput(i).toBuilder();
            in.getTypeBuilder().getTensorTypeBuilder().setElemType(Onnx.TensorProto.DataType.INT32.getNumber());
            g.setInput(i, in);
        }
        // an int32-input export: Gather and Shape consume the ids, which import casts from the contract's INT64
        ImportedModel m = new OnnxImporter().importFile(write("int32.onnx", model.toBuilder().setGraph(g).build()),
                OnnxImporter.Options.defaults());
        ImportedModel reference = new OnnxImporter().importFile(TINY, OnnxImporter.Options.defaults());
        var ids = Nd4j.createFromArray(new long[][] {{2, 7, 9, 3}});
        var mask = Nd4j.createFromArray(new long[][] {{1, 1, 1, 1}});
        var types = Nd4j.createFromArray(new long[][] {{0, 0, 1, 1}});
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> in = Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types);
        assertTrue(m.output(in).get("pooler_output").equalsWithEps(reference.output(in).get("pooler_output"), 1e-6));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.output(Map.of(
                "input_ids", ids.castTo(DataType.INT32), "attention_mask", mask, "token_type_ids", types)));
        assertTrue(e.getMessage().contains("input 'input_ids': expected INT64 [batch, sequence], found INT"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> m.output(Map.of("input_ids", ids, "attention_mask", mask)));
        assertTrue(missing.getMessage().contains("input 'token_type_ids' is missing"), missing.getMessage());
    }

    @Test
    void externalDataIsReadOrNamed() throws Exception {
        // move the largest initializer into model.onnx.data, as torch.onnx does for models over 2 GB
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
        int largest = 0;
        for (int i = 1; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getRawData().size() > g.getInitializer(largest).getRawData().size()) {
                largest = i;
            }
        }
        Onnx.TensorProto t = g.getInitializer(largest);
        byte[] data = t.getRawData().toByteArray();
        g.setInitializer(largest, t.toBuilder().clearRawData().setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue("ext.onnx.data"))
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("length").setValue(String.valueOf(data.length))));
        Path file = write("ext.onnx", model.toBuilder().setGraph(g).build());
        String msg = importError(file);
        assertTrue(msg.contains("ext.onnx.data") && msg.contains("does not exist") && msg.contains(t.getName()), msg);
        Files.write(dir.resolve("ext.onnx.data"), data);
        Onnx.ModelProto loaded = OnnxModelReader.read(file);
        assertEquals(model.getGraph().getInitializer(largest).getRawData(), loaded.getGraph().getInitializer(largest).getRawData());
        Files.write(dir.resolve("ext.onnx.data"), Arrays.copyOf(data, data.length / 2));
        String shortMsg = importError(file);
        assertTrue(shortMsg.contains("ext.onnx.data") && shortMsg.contains("needs bytes"), shortMsg);
    }

    @Test
    void truncatedOrForeignImportedModelFilesAreRefused() throws Exception {
        Path saved = dir.resolve("tiny.sdz");
        new OnnxImporter().importFile(TINY, OnnxImporter.Options.defaults()).save(saved);
        byte[] bytes = Files.readAllBytes(saved);
        Path cut = dir.resolve("cut.sdz");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        String msg = assertThrows(ImportException.class, () -> ImportedModel.load(cut)).getMessage();
        assertTrue(msg.contains("cut.sdz") && msg.contains("truncated or corrupt"), msg);
        String foreign = assertThrows(ImportException.class, () -> ImportedModel.load(TINY)).getMessage();
        assertTrue(foreign.contains("not a kd4j imported model"), foreign);
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), ImportedModel.load(saved).contract().inputs());
    }
}
