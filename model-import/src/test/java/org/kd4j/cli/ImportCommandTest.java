package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.fixtures.Architecture;
import org.kd4j.imports.fixtures.DynamicQuantizer;
import org.kd4j.imports.fixtures.ExporterPatternWriter;
import org.kd4j.imports.fixtures.FixtureSpec;
import org.kd4j.imports.fixtures.Head;
import org.kd4j.imports.testing.Fixtures;

/** {@code import}: contract, op counts, time, parity table; errors exit 1 and write nothing. */
class ImportCommandTest {

    private static final Path TINY = Fixtures.resource("fixtures/tribuo-tinybert/tinybert.onnx");

    @Test
    void importsWithAParityReportAndWritesALoadableModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("tiny.sdz");
        CliRunner r = CliRunner.run("import", "--onnx", TINY.toString(), "--out", out.toString(),
                "--parity-batches", "1,3", "--parity-lengths", "6,20");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("contract: [input_ids, attention_mask, token_type_ids] -> [last_hidden_state, pooler_output]"), r.out());
        assertTrue(r.out().contains("onnx ops: {Add=19"), r.out());
        assertTrue(r.out().contains("| 3 | 20 | pooler_output |"), r.out());
        assertTrue(r.out().contains("path: native transformer (BERT layout recognised: 1 layers"), r.out());
        assertTrue(r.out().contains("native parity vs ONNX Runtime") && r.out().contains("generic parity vs ONNX Runtime"), r.out());
        assertFalse(r.out().contains("FAIL"), r.out());
        assertEquals(ImportedModel.load(out).contract().outputs().get(0), "last_hidden_state");
    }

    @Test
    void aRecognisedClassifierIsWrittenAsANativeModel(@TempDir Path dir) throws Exception {
        Path onnx = Fixtures.resource("fixtures/torch-export/bert-classifier-opset13.onnx");
        Path out = dir.resolve("classifier.kdm");
        CliRunner r = CliRunner.run("import", "--onnx", onnx.toString(), "--out", out.toString(), "--parity-lengths", "4,9");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("classifier of 2") && r.out().contains("native parity") && r.out().contains(": pass"), r.out());
        org.kd4j.model.TextClassifier model = org.kd4j.model.TextClassifier.load(out);
        assertEquals(org.kd4j.model.ModelType.TRANSFORMER, model.config().type());
        assertEquals(2, model.outputs());
        // a bare encoder cannot be a native .kdm classifier: exit 1, nothing written
        Path none = dir.resolve("encoder.kdm");
        CliRunner bad = CliRunner.run("import", "--onnx", TINY.toString(), "--out", none.toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("bare encoder"), bad.err());
        assertFalse(Files.exists(none));
    }

    /**
     * A DistilBERT sequence classifier (ReLU pre-classifier on the first token) and ELECTRA ones (dense, GELU and
     * out_proj on the first token; the small one with its embeddings projected to the hidden size), as torch.onnx writes
     * them, take the native path, and the written .kdm gives torch's own logits on the inputs stored beside the export.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "distilbert-classifier-opset17, CLS_RELU, pre-classifier (ReLU)",
            "electra-classifier-opset17, CLS_GELU, classification head (dense + GELU)",
            "electra-small-classifier-opset14, CLS_GELU, 'embeddings 16 wide projected to 32, classification head (dense + GELU)'"})
    void aClassifierHeadOtherThanBertsIsWrittenAsANativeModelWithTorchsLogits(String fixture, org.kd4j.model.Pooling pooling,
                                                                             String head, @TempDir Path dir) throws Exception {
        String name = "fixtures/torch-export/" + fixture;
        Path out = dir.resolve(fixture + ".kdm");
        CliRunner r = CliRunner.run("import", "--onnx", Fixtures.resource(name + ".onnx").toString(), "--out", out.toString(),
                "--parity-lengths", "4,9");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("path: native transformer") && r.out().contains(", " + head + ", classifier of 2")
                && r.out().contains("native parity") && r.out().contains(": pass"), r.out());
        org.kd4j.model.TextClassifier model = org.kd4j.model.TextClassifier.load(out);
        assertEquals(pooling, model.config().flat().pooling());
        com.fasterxml.jackson.databind.JsonNode expected = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Fixtures.resource(name + ".expected.json").toFile());
        int cases = 0;
        for (com.fasterxml.jackson.databind.JsonNode c : expected.get("cases")) {
            com.fasterxml.jackson.databind.JsonNode inputs = c.get("inputs");
            int rows = inputs.get("input_ids").size();
            int length = inputs.get("input_ids").get(0).size();
            int[] ids = flat(inputs.get("input_ids"), rows, length);
            int[] mask = flat(inputs.get("attention_mask"), rows, length);
            int[] types = inputs.has("token_type_ids") ? flat(inputs.get("token_type_ids"), rows, length) : new int[rows * length];
            int[] none = new int[rows];
            Arrays.fill(none, -1);
            double[] noScores = new double[rows];
            Arrays.fill(noScores, Double.NaN);
            float[][] logits = model.logits(new org.kd4j.data.batch.Batch(java.util.stream.IntStream.range(0, rows).toArray(), length,
                    ids, types, mask, none, noScores));
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < 2; k++) {
                    double torch = c.get("outputs").get("logits").get(i).get(k).asDouble();
                    assertEquals(torch, logits[i][k], 1e-5, fixture + " case " + cases + " row " + i + " logit " + k);
                }
            }
            cases++;
        }
        assertEquals(3, cases);
    }

    /** A [rows][length] JSON array of integers, row after row. */
    private static int[] flat(com.fasterxml.jackson.databind.JsonNode matrix, int rows, int length) {
        int[] out = new int[rows * length];
        for (int i = 0; i < rows; i++) {
            for (int t = 0; t < length; t++) {
                out[i * length + t] = matrix.get(i).get(t).asInt();
            }
        }
        return out;
    }

    @Test
    void anUnrecognisedGraphTakesTheGenericPathAndSaysWhy(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("roberta.onnx");
        Files.write(onnx, org.kd4j.imports.fixtures.ExporterPatternWriter.bytes(org.kd4j.imports.fixtures.FixtureSpec.matrix().stream()
                .filter(f -> f.architecture() == org.kd4j.imports.fixtures.Architecture.ROBERTA).findFirst().orElseThrow()));
        CliRunner r = CliRunner.run("import", "--onnx", onnx.toString(), "--out", dir.resolve("r.sdz").toString(), "--no-parity");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("path: generic SameDiff import (not a BERT layout") && r.out().contains("RoBERTa-style positions"), r.out());
        assertFalse(r.out().contains("parity vs"), r.out());
    }

    @Test
    void int8ExportIsJudgedRelativeToItsOutputsAndCanBeDequantized(@TempDir Path dir) throws Exception {
        FixtureSpec spec = FixtureSpec.standard(Architecture.BERT, Head.SEQUENCE_CLASSIFICATION, 14);
        Path file = dir.resolve("bert-int8.onnx");
        Files.write(file, DynamicQuantizer.quantize(ExporterPatternWriter.model(spec), new DynamicQuantizer.Options(true, false))
                .toByteArray());
        Path out = dir.resolve("int8.sdz");
        CliRunner r = CliRunner.run("import", "--onnx", file.toString(), "--out", out.toString(),
                "--parity-batches", "2", "--parity-lengths", "7");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("(int8 graph: bar 1e-01 relative): pass"), r.out());
        assertTrue(Files.exists(out));

        Path dequantized = dir.resolve("dequantized.sdz");
        r = CliRunner.run("import", "--onnx", file.toString(), "--out", dequantized.toString(), "--dequantize",
                "--parity-batches", "2", "--parity-lengths", "7");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("not a gate with --dequantize"), r.out());
        assertEquals(true, ImportedModel.load(dequantized).info().dequantizedWeights());
    }

    @Test
    void badFileExitsOneAndWritesNothing(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("half.onnx");
        byte[] bytes = Files.readAllBytes(TINY);
        Files.write(bad, Arrays.copyOf(bytes, bytes.length / 3));
        Path out = dir.resolve("never.sdz");
        CliRunner r = CliRunner.run("import", "--onnx", bad.toString(), "--out", out.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("half.onnx") && r.err().contains("truncated/corrupt"), r.err());
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left beside --out");
        }
    }

    @Test
    void checkListsProblemsAndExitsNonZero(@TempDir Path dir) throws Exception {
        onnx.Onnx.ModelProto m = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(TINY));
        onnx.Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Softmax") || g.getNode(i).getOpType().equals("Erf")) {
                g.setNode(i, g.getNode(i).toBuilder().setOpType("FastGelu").setDomain("com.microsoft"));
            }
        }
        Path file = dir.resolve("optimised.onnx");
        Files.write(file, m.toBuilder().setGraph(g).build().toByteArray());
        CliRunner r = CliRunner.run("import", "--check", file.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.out().contains("2 unsupported construct(s)") && r.out().contains("Softmax_") && r.out().contains("Erf_"), r.out());
        CliRunner ok = CliRunner.run("import", "--check", TINY.toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains("no unsupported constructs"));
    }

    @Test
    void parityOptionsAndLabelsAreJudgedBeforeTheParityRuns(@TempDir Path dir) {
        Path out = dir.resolve("x.sdz");
        String[][] usage = {
            {"--parity-batches", "0", "--parity-batches: expected batch sizes of 1 to 256, found [0]"},
            {"--parity-lengths", "5,-3", "--parity-lengths: expected sequence lengths of 2 ([CLS] and [SEP]) to 8192, found [5, -3]"},
            {"--labels", "a,,b", "--labels: expected names that are not blank, found [a, , b]"},
            {"--labels", "pos,pos", "--labels: expected names that differ, found [pos, pos]"},
        };
        for (String[] u : usage) {
            CliRunner r = CliRunner.run("import", "--onnx", TINY.toString(), "--out", out.toString(), u[0], u[1]);
            assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
            assertEquals("error: " + u[2] + " (see 'kd4j import --help')", r.err().strip());
            assertEquals("", r.out(), "nothing read before the usage error");
        }
        // what only the graph tells: the model's positions and its number of labels, named before the parity runs
        Path classifier = Fixtures.resource("fixtures/torch-export/bert-classifier-opset13.onnx");
        CliRunner longer = CliRunner.run("import", "--onnx", classifier.toString(), "--out", out.toString(),
                "--parity-lengths", "5,100");
        assertEquals(1, longer.exitCode(), longer.err());
        assertEquals("error: --parity-lengths: 100 is longer than the 64 positions of " + classifier
                + " (pass lengths up to 64, or --no-parity)", longer.err().strip());
        CliRunner labels = CliRunner.run("import", "--onnx", classifier.toString(), "--out", out.toString(),
                "--labels", "a,b,c");
        assertEquals(1, labels.exitCode(), labels.err());
        assertEquals("error: --labels: 3 names given, the classifier of " + classifier + " has 2 outputs", labels.err().strip());
        assertFalse(longer.out().contains("parity vs") || labels.out().contains("parity vs"), longer.out() + labels.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void outIsRequired() {
        CliRunner r = CliRunner.run("import", "--onnx", TINY.toString());
        assertEquals(Main.EXIT_USAGE, r.exitCode()); // bad usage, like a missing required option
        assertTrue(r.err().contains("--out: required"), r.err());
    }

    @Test
    void importsAFrozenTensorFlowGraph(@TempDir Path dir) throws Exception {
        Path pb = org.kd4j.imports.tf.fixtures.TfBertGraphWriter.write(org.kd4j.imports.tf.fixtures.TinyBert.standard(3),
                org.kd4j.imports.tf.fixtures.TfBertGraphWriter.Inputs.ITERATOR_V2, dir.resolve("frozen.pb"));
        Path out = dir.resolve("tf.sdz");
        CliRunner r = CliRunner.run("import", "--tf", pb.toString(), "--out", out.toString(), "--labels", "a,b,c");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("contract: [input_ids, attention_mask, token_type_ids] -> [logits] (3 labels: a,b,c)"), r.out());
        assertTrue(r.out().contains("parity: not available for TensorFlow graphs"), r.out());
        ImportedModel m = ImportedModel.load(out);
        assertEquals(java.util.List.of("a", "b", "c"), m.labels());
        CliRunner wrongLabels = CliRunner.run("import", "--tf", pb.toString(), "--out", dir.resolve("x.sdz").toString(),
                "--labels", "a,b");
        assertEquals(1, wrongLabels.exitCode());
        assertTrue(wrongLabels.err().contains("3 logits, but 2 label names"), wrongLabels.err());
        assertFalse(Files.exists(dir.resolve("x.sdz")));
    }
}
