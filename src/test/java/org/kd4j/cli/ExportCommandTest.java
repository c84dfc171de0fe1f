package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onnx.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kd4j.api.DistilledClassifier;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.run.RunDirectory;
import org.kd4j.testing.SyntheticSst2;
import org.kd4j.testing.TinyRuns;

/**
 * {@code export} on runs of every student type and on a regression run: exit code, the printed checks (ONNX Runtime
 * and the round trip within the bar), the files, and the exported file classifying as the run does.
 */
class ExportCommandTest {

    private static final Pattern RELATIVE = Pattern.compile("relative ([0-9.]+e[-+][0-9]+)");
    private static final List<String> TEXTS = List.of("the movie was great", "a boring plot", "it was really awful", "good film");

    @TempDir static Path root;
    static Path data;

    @BeforeAll
    static void devData() throws IOException {
        data = root.resolve("data");
        SyntheticSst2.write(data, "dev", 40, 3, SyntheticSst2.FILLER, SyntheticSst2.SENTIMENT);
        List<String> sts = new ArrayList<>(List.of("index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore"));
        for (SyntheticSst2.Row r : SyntheticSst2.rows(30, 4, SyntheticSst2.FILLER, SyntheticSst2.SENTIMENT)) {
            sts.add(sts.size() + "\tmain\tf\t2012\t0\tnone\tnone\t" + r.sentence() + "\tthe film was " + (r.label() == 1 ? "good" : "bad")
                    + "\t" + (r.label() * 5.0));
        }
        Path file = data.resolve("glue/STS-B/dev.tsv");
        Files.createDirectories(file.getParent());
        Files.write(file, sts);
    }

    /** Runs export and checks what every successful export prints; returns the ONNX file. */
    private static Path export(Path run, String name, String... extra) {
        Path onnx = root.resolve("exports/" + name + "/model.onnx");
        List<String> args = new ArrayList<>(List.of("export", "--model", run.toString(), "--onnx", onnx.toString(),
                "--data-dir", data.toString()));
        args.addAll(List.of(extra));
        CliRunner r = CliRunner.run(args.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains(" vs kd4j on "), r.out());
        Matcher m = RELATIVE.matcher(r.out());
        int checks = 0;
        while (m.find()) {
            assertTrue(Double.parseDouble(m.group(1)) <= 1e-4, r.out());
            checks++;
        }
        assertEquals(2, checks, r.out());
        assertTrue(r.out().contains("round trip (the file read back into kd4j) vs kd4j: max |difference|"), r.out());
        assertTrue(Files.isRegularFile(onnx) && Files.isRegularFile(onnx.resolveSibling("tokenizer.json")), r.out());
        assertEquals(BertTokenizer.load(run.resolve(RunDirectory.TOKENIZER).toString()).fingerprint(),
                BertTokenizer.load(onnx.resolveSibling("tokenizer.json").toString()).fingerprint());
        return onnx;
    }

    @ParameterizedTest
    @EnumSource(value = ModelType.class, names = {"TRANSFORMER", "BILSTM", "CNN"})
    void everyStudentTypeExportsAndClassifiesAsTheRunDoes(ModelType type) throws IOException {
        Path run = root.resolve("run-" + type);
        TinyRuns.write(run, ModelConfig.of(type, 2, 16, 4, 12, 32, Pooling.MEAN), GlueTask.SST2, 20, 5);
        Path onnx = export(run, type.name(), "--examples", "40");
        try (DistilledClassifier a = DistilledClassifier.load(run); DistilledClassifier b = DistilledClassifier.load(onnx)) {
            List<DistilledClassifier.Prediction> x = a.classify(TEXTS);
            List<DistilledClassifier.Prediction> y = b.classify(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertEquals(x.get(i).label(), y.get(i).label());
                assertEquals(x.get(i).probabilities().get("1"), y.get(i).probabilities().get("1"), 1e-5);
            }
        }
        CliRunner predict = CliRunner.runWithStdin("the movie was great\n", "predict", "--model", onnx.toString());
        assertEquals(0, predict.exitCode(), predict.err());
        assertTrue(predict.out().startsWith("{\"label\":\""), predict.out());
        // the same file on ONNX Runtime: the same label, probabilities within float rounding
        CliRunner onOrt = CliRunner.runWithStdin("the movie was great\n", "predict", "--model", onnx.toString(), "--engine",
                "onnx_runtime");
        assertEquals(0, onOrt.exitCode(), onOrt.err());
        com.fasterxml.jackson.databind.JsonNode a = new com.fasterxml.jackson.databind.ObjectMapper().readTree(predict.out());
        com.fasterxml.jackson.databind.JsonNode b = new com.fasterxml.jackson.databind.ObjectMapper().readTree(onOrt.out());
        assertEquals(a.get("label").asText(), b.get("label").asText(), onOrt.out());
        a.get("probabilities").fieldNames().forEachRemaining(k -> assertEquals(a.get("probabilities").get(k).asDouble(),
                b.get("probabilities").get(k).asDouble(), 1e-5, k));
        CliRunner bad = CliRunner.runWithStdin("x\n", "predict", "--model", onnx.toString(), "--engine", "tensorrt");
        assertEquals(Main.EXIT_USAGE, bad.exitCode(), bad.err());
        assertTrue(bad.err().startsWith("error: Invalid value for option '--engine'"), bad.err());
    }

    @Test
    void aRegressionStudentAtOpset14() throws IOException {
        Path run = root.resolve("run-stsb");
        TinyRuns.write(run, ModelConfig.of(ModelType.TRANSFORMER, 1, 16, 2, 16, 48, Pooling.CLS), GlueTask.STSB, 40, 6);
        Path file = export(run, "stsb", "--opset", "14");
        Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(14, proto.getOpsetImport(0).getVersion());
        assertTrue(proto.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("LayerNormalization")));
        try (DistilledClassifier a = DistilledClassifier.load(run); DistilledClassifier b = DistilledClassifier.load(file)) {
            String[] pair = {"a great movie", "the film was good"};
            assertEquals(a.classifyPairs(List.<String[]>of(pair)).get(0).score(), b.classifyPairs(List.<String[]>of(pair)).get(0).score(), 1e-5);
        }
    }

    @Test
    void anOnnxPathWhoseFolderCannotBeMadeIsRefusedBeforeTheExport() throws IOException {
        Path run = root.resolve("run-badpath");
        TinyRuns.write(run, ModelConfig.of(ModelType.CNN, 1, 8, 1, 4, 32, Pooling.MEAN), GlueTask.SST2, 20, 7);
        Path file = Files.writeString(root.resolve("a-file"), "x");
        Path onnx = file.resolve("model.onnx");
        CliRunner r = CliRunner.run("export", "--model", run.toString(), "--onnx", onnx.toString());
        assertEquals(1, r.exitCode(), r.err());
        assertEquals("error: --onnx: cannot make the folder " + file + " for " + onnx + ": " + file + " is not a folder",
                r.err().strip());
        assertEquals("", r.out(), "refused before the export and its checks");
    }

    @Test
    void withoutDevDataNothingIsWritten() throws IOException {
        Path run = root.resolve("run-nodata");
        TinyRuns.write(run, ModelConfig.of(ModelType.CNN, 1, 8, 1, 4, 32, Pooling.MEAN), GlueTask.SST2, 20, 7);
        Path onnx = root.resolve("exports/nodata/model.onnx");
        CliRunner r = CliRunner.run("export", "--model", run.toString(), "--onnx", onnx.toString(), "--data-dir",
                root.resolve("nowhere").toString());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(root.resolve("nowhere").toString()) && r.err().contains("--data-dir"),
                r.err());
        assertFalse(Files.exists(onnx));
        assertFalse(Files.exists(onnx.resolveSibling("tokenizer.json")));

        CliRunner opset = CliRunner.run("export", "--model", run.toString(), "--onnx", onnx.toString(), "--opset", "15");
        assertEquals(1, opset.exitCode());
        assertTrue(opset.err().contains("opset 15: expected 14 or 17"), opset.err());
    }
}
