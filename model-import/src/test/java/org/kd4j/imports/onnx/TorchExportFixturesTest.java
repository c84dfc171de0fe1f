package org.kd4j.imports.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.parity.OrtReferenceRuntime;
import org.kd4j.imports.parity.ParityCheck;
import org.kd4j.imports.testing.Fixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Files written by the real PyTorch ONNX exporter ({@code scripts/export_torch_fixtures.py}, torch 1.13; see the
 * fixture folder's SOURCES.md): each imports, matches the torch module's own outputs stored beside it within
 * {@link ParityCheck#TOLERANCE}, and matches ONNX Runtime on random inputs (static-shape exports at their shape only).
 */
class TorchExportFixturesTest {

    private static final Logger LOG = LogManager.getLogger(TorchExportFixturesTest.class);
    private static final String DIR = "fixtures/torch-export";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(Fixtures.resource(DIR))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".onnx"))
                    .map(n -> n.substring(0, n.length() - ".onnx".length())).sorted().toList().stream();
        }
    }

    @Test
    void fixtureSetIsCompleteAndSmall() throws IOException {
        List<String> names = fixtures().toList();
        assertEquals(16, names.size(), names.toString());
        long total = 0;
        for (String name : names) {
            for (String suffix : List.of(".onnx", ".expected.json", ".params.json")) {
                total += Files.size(Fixtures.resource(DIR + "/" + name + suffix));
            }
        }
        assertTrue(total < 2_800_000, "fixtures take " + total + " bytes");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void importsAndMatchesTorchAndOnnxRuntime(String name) throws Exception {
        Path file = Fixtures.resource(DIR + "/" + name + ".onnx");
        JsonNode expected = JSON.readTree(Fixtures.resource(DIR + "/" + name + ".expected.json").toFile());
        JsonNode config = expected.get("config");
        boolean classifier = name.contains("classifier");

        ImportedModel model = new OnnxImporter().importFile(file, OnnxImporter.Options.defaults());

        GraphContract contract = model.contract();
        assertEquals(classifier ? Head.CLASSIFIER : Head.ENCODER, contract.head());
        // the export's own inputs (DistilBERT has no token_type_ids), in the contract's order
        List<String> given = new ArrayList<>();
        expected.get("cases").get(0).get("inputs").fieldNames().forEachRemaining(given::add);
        assertEquals(GraphContract.INPUT_NAMES.stream().filter(given::contains).toList(), contract.inputs());
        assertTrue(given.containsAll(List.of(GraphContract.INPUT_IDS, GraphContract.ATTENTION_MASK)), given.toString());
        List<String> outputs = new ArrayList<>();
        expected.get("cases").get(0).get("outputs").fieldNames().forEachRemaining(outputs::add);
        assertEquals(outputs, contract.outputs());
        assertEquals(classifier ? config.get("num_labels").asLong() : config.get("hidden_size").asLong(), contract.hidden());
        assertEquals(config.get("vocab_size").asLong(), model.info().vocabSize());

        double worstTorch = 0;
        for (JsonNode c : expected.get("cases")) {
            Map<String, INDArray> inputs = new LinkedHashMap<>();
            c.get("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), longMatrix(e.getValue())));
            Map<String, INDArray> ours = model.output(inputs);
            for (String out : outputs) {
                INDArray torch = floats(c.get("outputs").get(out));
                INDArray got = ours.get(out).castTo(DataType.DOUBLE);
                String where = name + " " + out + " at " + java.util.Arrays.toString(inputs.get("input_ids").shape());
                assertArrayEquals(torch.shape(), got.shape(), where);
                assertFalse(got.isNaN().any(), where);
                double diff = got.sub(torch).amaxNumber().doubleValue();
                assertTrue(diff <= ParityCheck.TOLERANCE, where + ": max |difference| from torch " + diff);
                worstTorch = Math.max(worstTorch, diff);
            }
        }

        JsonNode staticShape = expected.get("static_shape");
        int[] batches = staticShape.isNull() ? new int[] {1, 2, 3} : new int[] {staticShape.get(0).asInt()};
        int[] lengths = staticShape.isNull() ? new int[] {5, 11} : new int[] {staticShape.get(1).asInt()};
        ParityCheck.Report report = ParityCheck.run(model, file, new OrtReferenceRuntime(),
                model.info().sourceInputs(), model.info().sourceOutputs(),
                batches, lengths, 17);
        LOG.info("{}: max |difference| {} from torch, {} from ONNX Runtime", name, String.format("%.2e", worstTorch),
                String.format("%.2e", report.worst()));
        assertTrue(report.passes(), name + "\n" + report.table());
    }

    /** A [rows][cols] JSON array of integers as an INT64 matrix. */
    private static INDArray longMatrix(JsonNode rows) {
        long[][] v = new long[rows.size()][];
        for (int r = 0; r < v.length; r++) {
            JsonNode row = rows.get(r);
            v[r] = new long[row.size()];
            for (int c = 0; c < v[r].length; c++) {
                v[r][c] = row.get(c).asLong();
            }
        }
        return Nd4j.createFromArray(v);
    }

    /** A nested JSON array of numbers (any rank) as a DOUBLE array of its shape. */
    private static INDArray floats(JsonNode nested) {
        List<Long> shape = new ArrayList<>();
        for (JsonNode n = nested; n.isArray(); n = n.get(0)) {
            shape.add((long) n.size());
        }
        List<Double> values = new ArrayList<>();
        flatten(nested, values);
        double[] data = values.stream().mapToDouble(Double::doubleValue).toArray();
        return Nd4j.create(data, shape.stream().mapToLong(Long::longValue).toArray(), DataType.DOUBLE);
    }

    private static void flatten(JsonNode n, List<Double> into) {
        if (n.isArray()) {
            n.forEach(child -> flatten(child, into));
        } else {
            into.add(n.asDouble());
        }
    }
}
