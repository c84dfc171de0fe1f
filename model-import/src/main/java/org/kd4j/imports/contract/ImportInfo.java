package org.kd4j.imports.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Provenance of an import, kept in the imported-model file's header under {@code info} (snake_case field names, as
 * files of the previous version have them; fields they lack read as empty, 0 or false, fields this version does not
 * know are ignored).
 *
 * @param source the source file's name
 * @param sourceSha256 its contents' SHA-256
 * @param format the source's format
 * @param producer the exporter that wrote an ONNX file (name and version); null for TensorFlow
 * @param opset the ONNX opset; 0 for TensorFlow
 * @param sourceInputs contract input name to the source file's input name (ONNX; empty for TensorFlow)
 * @param sourceOutputs contract output name to the source file's output name (ONNX; empty for TensorFlow)
 * @param vocabSize rows of the word-embedding table that {@code input_ids} index; -1 when not found, 0 when not
 *     recorded (TensorFlow)
 * @param onnxOps the ONNX file's op counts by type (empty for TensorFlow)
 * @param onnxOpsAfterRewrites the op counts after kd4j's rewrites (empty for TensorFlow)
 * @param quantized whether the ONNX file is 8-bit quantized
 * @param dequantizedWeights whether its int8 weights were dequantized at import
 * @param fixedSequenceLength a TensorFlow graph's fixed sequence length, -1 when dynamic; null for ONNX
 * @param samediffOps ops of the imported SameDiff graph
 * @param importSeconds wall time of the import
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImportInfo(String source, String sourceSha256, Format format, String producer, int opset,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> sourceInputs,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> sourceOutputs,
                         long vocabSize,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Integer> onnxOps,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Integer> onnxOpsAfterRewrites,
                         boolean quantized, boolean dequantizedWeights, Long fixedSequenceLength, int samediffOps,
                         double importSeconds) {

    /** The format the graph was imported from. */
    public enum Format {
        @JsonProperty("onnx") ONNX,
        @JsonProperty("tensorflow") TENSORFLOW
    }

    public ImportInfo {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(format, "format");
        sourceInputs = ordered(sourceInputs);
        sourceOutputs = ordered(sourceOutputs);
        onnxOps = ordered(onnxOps);
        onnxOpsAfterRewrites = ordered(onnxOpsAfterRewrites);
    }

    /** An ONNX import's provenance. */
    public static ImportInfo onnx(String source, String sourceSha256, String producer, int opset, Map<String, String> sourceInputs,
                                  Map<String, String> sourceOutputs, long vocabSize, Map<String, Integer> onnxOps,
                                  Map<String, Integer> onnxOpsAfterRewrites, boolean quantized, boolean dequantizedWeights,
                                  int samediffOps, double importSeconds) {
        return new ImportInfo(source, sourceSha256, Format.ONNX, producer, opset, sourceInputs, sourceOutputs, vocabSize, onnxOps,
                onnxOpsAfterRewrites, quantized, dequantizedWeights, null, samediffOps, importSeconds);
    }

    /** A TensorFlow import's provenance. */
    public static ImportInfo tensorflow(String source, String sourceSha256, long fixedSequenceLength, int samediffOps,
                                        double importSeconds) {
        return new ImportInfo(source, sourceSha256, Format.TENSORFLOW, null, 0, null, null, 0, null, null, false, false,
                fixedSequenceLength, samediffOps, importSeconds);
    }

    private static <V> Map<String, V> ordered(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
