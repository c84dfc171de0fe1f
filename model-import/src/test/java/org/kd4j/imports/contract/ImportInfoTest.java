package org.kd4j.imports.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The import provenance in an imported-model file's header: its field names, and headers of the previous version. */
class ImportInfoTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void onnxInfoKeepsTheHeaderFieldNames() throws Exception {
        Map<String, Integer> ops = new LinkedHashMap<>();
        ops.put("MatMul", 12);
        ops.put("Add", 30);
        ImportInfo info = ImportInfo.onnx("bert.onnx", "ab".repeat(32), "pytorch 2.7", 14, Map.of("input_ids", "ids"),
                Map.of("logits", "output_0"), 1656, ops, Map.of("MatMul", 12), true, false, 321, 2.5);
        JsonNode json = JSON.readTree(JSON.writeValueAsBytes(info));
        List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("source", "source_sha256", "format", "producer", "opset", "source_inputs", "source_outputs",
                "vocab_size", "onnx_ops", "onnx_ops_after_rewrites", "quantized", "dequantized_weights", "samediff_ops",
                "import_seconds"), names);
        assertEquals("onnx", json.get("format").asText());
        assertEquals("ids", json.get("source_inputs").get("input_ids").asText());
        assertEquals(List.of("MatMul", "Add"), List.copyOf(JSON.readValue(JSON.writeValueAsBytes(info), ImportInfo.class)
                .onnxOps().keySet()), "op counts keep their order");
        assertEquals(info, JSON.readValue(JSON.writeValueAsBytes(info), ImportInfo.class));
    }

    @Test
    void tensorflowInfoLeavesOutTheOnnxFields() throws Exception {
        ImportInfo info = ImportInfo.tensorflow("model.pb", "cd".repeat(32), 128, 99, 1.0);
        JsonNode json = JSON.readTree(JSON.writeValueAsBytes(info));
        assertEquals("tensorflow", json.get("format").asText());
        assertEquals(128, json.get("fixed_sequence_length").asLong());
        for (String absent : List.of("producer", "source_inputs", "source_outputs", "onnx_ops", "onnx_ops_after_rewrites")) {
            assertFalse(json.has(absent), absent + " in " + json);
        }
    }

    @Test
    void headersWrittenByThePreviousVersionRead() throws Exception {
        // a header as the untyped Map<String, Object> wrote it (Map.copyOf: any field order), with a field unknown here
        String header = """
                {"contract": {"head": "CLASSIFIER", "inputs": ["input_ids", "attention_mask"], "outputs": ["logits"],
                              "labels": [], "hidden": 2},
                 "info": {"import_seconds": 3.25, "onnx_ops": {"Gather": 1}, "format": "onnx", "vocab_size": 1656,
                          "source_inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask"},
                          "source_outputs": {"logits": "logits"}, "quantized": false, "dequantized_weights": false,
                          "samediff_ops": 40, "source": "tiny.onnx", "source_sha256": "00", "opset": 13,
                          "producer": "pytorch 1.13", "onnx_ops_after_rewrites": {"Gather": 1}, "some_future_field": [1]}}
                """;
        ImportedModel.Header read = JSON.readValue(header, ImportedModel.Header.class);
        ImportInfo info = read.info();
        assertEquals(ImportInfo.Format.ONNX, info.format());
        assertEquals(1656, info.vocabSize());
        assertEquals(3.25, info.importSeconds());
        assertEquals("input_ids", info.sourceInputs().get("input_ids"));
        assertNull(info.fixedSequenceLength());
        assertTrue(read.contract().inputs().contains("attention_mask"));
    }
}
