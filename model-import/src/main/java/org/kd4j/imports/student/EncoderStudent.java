package org.kd4j.imports.student;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import onnx.Onnx;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.imports.ImportException;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.onnx.ContractMapping;
import org.kd4j.imports.onnx.OnnxImporter;
import org.kd4j.imports.onnx.OnnxModelReader;
import org.kd4j.imports.onnx.SupportCheck;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.rewrite.RewritePipeline;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.EmbeddingLayer;
import org.kd4j.model.ImportedConfig;
import org.kd4j.model.ImportedGraphLoader;
import org.kd4j.model.ImportedSource;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.ModelConfig;
import org.kd4j.util.Hashing;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A distillation student initialised from an ONNX BERT-family encoder (BERT, MiniLM, ELECTRA exports): the graph is
 * cut at the summed input embeddings ({@link EmbeddingCut}), whose tables go to an {@link EmbeddingLayer}; the
 * embeddings LayerNorm and the encoder are imported (rewrites + MatMul fix) with every float weight made a trainable
 * variable; a fresh linear head on the [CLS] vector ({@code pooler_output} when the encoder has a pooler, else
 * {@code last_hidden_state[:, 0, :]}) gives {@link ClassifierGraph#LOGITS}. An int8 export (ONNX Runtime's
 * {@code quantize_dynamic}) is dequantized: its weights and embedding tables become float, its activations are no longer
 * quantized ({@link org.kd4j.imports.onnx.rewrite.DequantizeWeights}).
 *
 * @param graph    the student graph, under the {@link ClassifierGraph} contract
 * @param embeddings the encoder's word, position and token-type tables
 * @param config   a description of the shape ({@link ImportedConfig})
 * @param source   the ONNX file
 * @param sha256   its SHA-256 (hex)
 */
public record EncoderStudent(ClassifierGraph graph, EmbeddingLayer embeddings, ModelConfig config, Path source, String sha256) {

    private static final Logger LOG = LogManager.getLogger(EncoderStudent.class);
    /** The head's weight and bias. */
    public static final String HEAD_W = "student_head_w";
    public static final String HEAD_B = "student_head_b";

    public EncoderStudent {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(embeddings, "embeddings");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(source, "source");
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256: expected 64 hex digits, got " + sha256);
        }
    }

    /**
     * @param onnx    the encoder export
     * @param outputs the task's label count (the head's width)
     * @param type    FLOAT for training, DOUBLE for gradient checks
     * @param seed    seed of the head's initial weights
     */
    public static EncoderStudent build(Path onnx, int outputs, DataType type, long seed) throws ImportException {
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs: expected >= 1, got " + outputs);
        }
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("type: expected FLOAT or DOUBLE, got " + type);
        }
        String file = onnx.toString();
        long start = System.nanoTime();
        Onnx.ModelProto model = OnnxModelReader.read(onnx);
        OnnxGraph graph = new OnnxGraph(model.getGraph(), OnnxModelReader.opset(model));
        int layers = (int) Math.max(1, Math.min(48, graph.nodes().stream().filter(n -> n.getOpType().equals("Softmax")).count()));
        ContractMapping.mapInputs(graph, file);
        // an int8 export trains as a float graph: its quantized layers become MatMuls with dequantized weights
        List<String> problems = SupportCheck.rewriteAndCheck(graph, RewritePipeline.standard().withDequantizedWeights());
        if (!problems.isEmpty()) {
            throw new ImportException(file + ": " + problems.size() + " unsupported construct(s):\n  " + String.join("\n  ", problems));
        }
        Map<String, String> outputNames = ContractMapping.mapOutputs(graph, Head.ENCODER, file).getValue();
        boolean pooler = outputNames.containsKey(GraphContract.POOLER_OUTPUT);

        EmbeddingCut.Tables tables = EmbeddingCut.find(graph, file);
        Map<String, INDArray> weights = new LinkedHashMap<>();
        weights.put(EmbeddingLayer.TOKENS, table(graph, tables.word(), type));
        if (tables.positions() != null) {
            weights.put(EmbeddingLayer.POSITIONS, table(graph, tables.positions(), type));
        }
        if (tables.types() != null) {
            weights.put(EmbeddingLayer.TYPES, table(graph, tables.types(), type));
        }
        EmbeddingCut.cut(graph, tables, file);
        int slices = GatherToSlice.apply(graph);
        if (type == DataType.DOUBLE) {
            DoublePrecision.apply(graph);
        }
        SameDiff sd = OnnxImporter.runImporter(model.toBuilder().setGraph(graph.toProto()).build(), onnx);
        // the importer leaves the graph in eager mode, where ops added later (the head, a loss) run on creation and
        // fail on placeholders without arrays
        sd.disableEagerMode();

        List<SDVariable> constants = sd.variables().stream()
                .filter(v -> v.getVariableType() == VariableType.CONSTANT && v.dataType().isFPType()
                        && (v.name().equals(ClassifierGraph.EMBEDDINGS) || v.getArr().length() > 1))
                .toList();
        sd.convertToVariables(constants);

        int hidden = hiddenWidth(sd, tables.dim(), type, file);
        SDVariable cls = pooler ? sd.getVariable(GraphContract.POOLER_OUTPUT)
                : sd.getVariable(GraphContract.LAST_HIDDEN_STATE).get(SDIndex.all(), SDIndex.point(0), SDIndex.all());
        Nd4j.getRandom().setSeed(seed);
        SDVariable w = sd.var(HEAD_W, Nd4j.randn(type, hidden, outputs).muli(0.02));
        SDVariable b = sd.var(HEAD_B, Nd4j.zeros(type, 1, outputs));
        SDVariable logits = cls.mmul(w).add(b);
        sd.updateVariableNameAndReference(logits, ClassifierGraph.LOGITS);

        int positions = tables.positions() == null ? 512 : (int) weights.get(EmbeddingLayer.POSITIONS).size(0);
        ModelConfig config = new ImportedConfig(layers, tables.dim(), hidden, Math.max(8, Math.min(4096, positions)));
        LOG.info("student from {} in {} s: {} trainable weights ({} parameters), embeddings {} x {}, {} Gather(s) as Slice,"
                        + " head {} on {} -> {}",
                onnx.getFileName(), String.format("%.1f", (System.nanoTime() - start) / 1e9), constants.size(),
                constants.stream().mapToLong(v -> v.getArr().length()).sum(), weights.get(EmbeddingLayer.TOKENS).size(0),
                tables.dim(), slices, pooler ? "pooler_output" : "last_hidden_state[:,0]", hidden, outputs);
        return new EncoderStudent(new ClassifierGraph(sd, outputs), new EmbeddingLayer(weights), config,
                onnx.toAbsolutePath().normalize(), Hashing.fileHex("ONNX model", onnx));
    }

    /**
     * A student initialised from an ONNX BERT-family encoder (its embedding tables, LayerNorm and layers, all
     * trainable) with a fresh linear head of {@code outputs} on the [CLS] vector, as a {@link TextClassifier}.
     */
    public static TextClassifier classifier(Path onnx, int outputs, long seed) {
        EncoderStudent student = build(onnx, outputs, DataType.FLOAT, seed);
        ClassifierGraph graph = student.graph();
        student.embeddings().parameters().forEach((name, table) -> graph.sd().var(name, table));
        return TextClassifier.ofImportedGraph(graph, student.embeddings(), student.config(),
                new ImportedSource(student.source().toString(), student.sha256()));
    }

    /** Rebuilds saved imported students (registered through {@link java.util.ServiceLoader}). */
    public static final class Loader implements ImportedGraphLoader {
        @Override
        public TextClassifier rebuild(ImportedSource source, int outputs) {
            return classifier(Path.of(source.path()), outputs, 0);
        }
    }

    private static INDArray table(OnnxGraph graph, String name, DataType type) {
        Onnx.TensorProto t = graph.initializer(name);
        return Nd4j.create(Nodes.floats(t), new long[] {t.getDims(0), t.getDims(1)}, DataType.FLOAT).castTo(type);
    }

    /** Runs the encoder once on a 1 x 2 batch of zero embeddings: the hidden width, and a check that it runs. */
    private static int hiddenWidth(SameDiff sd, int dim, DataType type, String file) throws ImportException {
        SDVariable emb = sd.getVariable(ClassifierGraph.EMBEDDINGS);
        INDArray saved = emb.getArr();
        try {
            emb.setArray(Nd4j.zeros(type, 1, 2, dim));
            INDArray states = sd.output(Map.of(ClassifierGraph.MASK, Nd4j.ones(DataType.FLOAT, 1, 2)),
                    GraphContract.LAST_HIDDEN_STATE).get(GraphContract.LAST_HIDDEN_STATE);
            if (states.rank() != 3 || states.size(1) != 2) {
                throw new ImportException(file + ": the student encoder gives last_hidden_state of shape "
                        + java.util.Arrays.toString(states.shape()) + " for a 1 x 2 batch");
            }
            return (int) states.size(2);
        } catch (RuntimeException e) {
            if (e instanceof ImportException i) {
                throw i;
            }
            throw new ImportException(file + ": the student encoder fails on a 1 x 2 batch: " + e.getMessage(), e);
        } finally {
            emb.setArray(saved);
        }
    }
}
