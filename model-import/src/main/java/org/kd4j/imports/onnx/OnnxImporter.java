package org.kd4j.imports.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.imports.FrameworkImporter;
import org.kd4j.imports.ImportException;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.contract.ImportInfo;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.contract.Probe;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.rewrite.RewritePipeline;
import org.kd4j.util.Hashing;
import org.kd4j.util.QuietStdout;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.samediff.frameworkimport.onnx.importer.OnnxFrameworkImporter;

/**
 * ONNX file to {@link ImportedModel}: read and validate, map inputs to the contract, run the {@link RewritePipeline},
 * map outputs, refuse unsupported constructs (all listed at once), import with SameDiff M2.1's importer (with the
 * {@link MatMulMappingFix}), and run the result once on a small batch to check it and learn its output sizes.
 */
public final class OnnxImporter {

    private static final Logger LOG = LogManager.getLogger(OnnxImporter.class);

    /**
     * @param head       classifier or encoder; null: decided from the outputs
     * @param labels     label names for a classifier (empty: unnamed)
     * @param dequantize dynamically quantized linear layers (int8 exports) become float MatMuls with dequantized
     *                   weights ({@link org.kd4j.imports.onnx.rewrite.DequantizeWeights}), for fine-tuning; the
     *                   activations are then no longer quantized, so outputs differ from ONNX Runtime's on the file by
     *                   the quantization error. False: the quantized arithmetic is kept (parity with ONNX Runtime)
     */
    public record Options(Head head, List<String> labels, boolean dequantize) {
        public Options {
            labels = List.copyOf(labels);
            if (head == Head.ENCODER && !labels.isEmpty()) {
                throw new IllegalArgumentException("labels: an encoder takes no labels, found " + labels);
            }
        }

        /** Quantized layers kept as they are. */
        public Options(Head head, List<String> labels) {
            this(head, labels, false);
        }

        public static Options defaults() {
            return new Options(null, List.of());
        }

        public Options withDequantize(boolean value) {
            return new Options(head, labels, value);
        }
    }

    /** Ops of 8-bit quantized graphs (ONNX Runtime's quantize_dynamic and QDQ exports). */
    public static final Set<String> QUANTIZATION_OPS = Set.of("DynamicQuantizeLinear", "MatMulInteger", "QuantizeLinear",
            "DequantizeLinear");

    private final RewritePipeline pipeline;

    public OnnxImporter() {
        this(RewritePipeline.standard());
    }

    public OnnxImporter(RewritePipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** Lists every construct of the file that import cannot handle; empty when it can be imported. */
    public List<String> check(Path file) throws ImportException {
        Onnx.ModelProto model = OnnxModelReader.read(file);
        OnnxGraph graph = new OnnxGraph(model.getGraph(), OnnxModelReader.opset(model));
        ContractMapping.mapInputs(graph, file.toString());
        return SupportCheck.rewriteAndCheck(graph, pipeline);
    }

    public ImportedModel importFile(Path file, Options options) throws ImportException {
        long start = System.nanoTime();
        Onnx.ModelProto model = OnnxModelReader.read(file);
        int opset = OnnxModelReader.opset(model);
        OnnxGraph graph = new OnnxGraph(model.getGraph(), opset);
        Map<String, Integer> opsBefore = graph.opCounts();
        Map<String, String> inputNames = ContractMapping.mapInputs(graph, file.toString());
        List<String> inputs = List.copyOf(inputNames.keySet());
        List<String> problems = SupportCheck.rewriteAndCheck(graph, options.dequantize() ? pipeline.withDequantizedWeights() : pipeline);
        if (!problems.isEmpty()) {
            throw new ImportException(file + ": " + problems.size() + " unsupported construct(s):\n  " + String.join("\n  ", problems));
        }
        Map.Entry<Head, Map<String, String>> outputNames = ContractMapping.mapOutputs(graph, options.head(), file.toString());
        Map.Entry<Head, List<String>> outputs = Map.entry(outputNames.getKey(), List.copyOf(outputNames.getValue().keySet()));
        Onnx.ModelProto rewritten = model.toBuilder().setGraph(graph.toProto()).build();
        SameDiff sd = runImporter(rewritten, file);
        long imported = System.nanoTime();
        long width = Probe.run(sd, inputs, outputs.getKey(), outputs.getValue(), file.toString());
        GraphContract contract;
        try {
            contract = new GraphContract(outputs.getKey(), inputs, outputs.getValue(), options.labels(), width);
        } catch (IllegalArgumentException e) {
            throw new ImportException(file + ": " + e.getMessage(), e);
        }
        ImportInfo info = ImportInfo.onnx(file.getFileName().toString(), Hashing.fileHex("ONNX model", file),
                model.getProducerName() + " " + model.getProducerVersion(), opset, inputNames, outputNames.getValue(),
                VocabSize.of(graph), opsBefore, graph.opCounts(), opsBefore.keySet().stream().anyMatch(QUANTIZATION_OPS::contains),
                options.dequantize(), sd.getOps().size(), (imported - start) / 1e9);
        LOG.info("imported {} in {} s: {} ONNX nodes -> {} SameDiff ops; {}", file.getFileName(),
                String.format("%.1f", (imported - start) / 1e9), opsBefore.values().stream().mapToInt(Integer::intValue).sum(),
                sd.getOps().size(), contract.describe());
        return new ImportedModel(sd, contract, info);
    }

    /** Writes the (rewritten) model to a temporary file and imports it with the {@link MatMulMappingFix}. */
    public static SameDiff runImporter(Onnx.ModelProto model, Path source) throws ImportException {
        FrameworkImporter.ONNX.require(source);
        Path tmp = null;
        try {
            tmp = Files.createTempFile("kd4j-import-", ".onnx");
            Files.write(tmp, model.toByteArray());
            OnnxFrameworkImporter importer = new OnnxFrameworkImporter();
            MatMulMappingFix.apply(importer.getRegistry());
            String path = tmp.toString();
            return QuietStdout.call(() -> importer.runImport(path, Map.of(), false));
        } catch (IOException e) {
            throw new ImportException(source + ": cannot write the rewritten graph: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ImportException(source + ": the SameDiff importer failed after the rewrites: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", tmp, e.getMessage());
                }
            }
        }
    }
}
