package org.kd4j.imports.exported;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.kd4j.export.LstmGates;
import org.kd4j.imports.ImportException;
import org.kd4j.imports.encoder.EncoderRecognizer;
import org.kd4j.imports.encoder.RecognizedEncoder;
import org.kd4j.imports.onnx.ContractMapping;
import org.kd4j.imports.onnx.OnnxModelReader;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.rewrite.ConstantsToInitializers;
import org.kd4j.imports.onnx.rewrite.IdentityRemoval;
import org.kd4j.imports.student.EmbeddingCut;
import org.kd4j.model.EmbeddingLayer;
import org.kd4j.model.ExportedModelReader;
import org.kd4j.model.BiLstmConfig;
import org.kd4j.model.CnnConfig;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a student exported as ONNX ({@code org.kd4j.export.StudentOnnxWriter}) back into kd4j's native model, by its
 * data flow as {@link EncoderRecognizer} reads BERT-family encoders: the embedding tables ({@link EmbeddingCut}),
 * then
 * <ul>
 *   <li>an {@code LSTM} node: a BiLSTM student, with its ReLU layer when a {@code Relu} feeds the classifier
 *       (bidirectional, {@code sequence_lens} given, default activations;
 *       gates back to ND4J's order by {@link LstmGates});</li>
 *   <li>{@code Conv} nodes: a CNN student (widths 3, 4, 5 with "same" padding);</li>
 *   <li>otherwise a transformer, read by {@link EncoderRecognizer} (pooler, first-token or masked-mean head);</li>
 * </ul>
 * and the linear head that writes {@code logits}. The structure between these (the masked max, the attention's scale
 * and mask) is not checked here: {@code kd4j export} compares the model read back with the original, and tests do.
 * Registered as the {@link ExportedModelReader}, so that {@code DistilledClassifier} loads an exported file.
 */
public final class ExportedStudents implements ExportedModelReader {

    /** Position rows given to BiLSTM and CNN models (which have no position table; the value is not used). */
    private static final int[] CNN_WIDTHS = {3, 4, 5};

    @Override
    public Read read(Path onnx) {
        Onnx.ModelProto model = OnnxModelReader.read(onnx);
        return new Read(model(model, onnx.toString()), metadata(model));
    }

    /** The file's {@code metadata_props}. */
    public static Map<String, String> metadata(Onnx.ModelProto model) {
        Map<String, String> props = new LinkedHashMap<>();
        model.getMetadataPropsList().forEach(e -> props.put(e.getKey(), e.getValue()));
        return props;
    }

    /**
     * The native model of an exported student.
     *
     * @param file names the model in messages
     * @throws ImportException naming the file and what did not fit
     */
    public static TextClassifier model(Onnx.ModelProto model, String file) {
        int opset = OnnxModelReader.opset(model);
        List<Onnx.NodeProto> nodes = model.getGraph().getNodeList();
        boolean lstm = nodes.stream().anyMatch(n -> n.getOpType().equals("LSTM"));
        boolean conv = nodes.stream().anyMatch(n -> n.getOpType().equals("Conv"));
        if (!lstm && !conv) {
            RecognizedEncoder encoder = EncoderRecognizer.recognize(model, opset, file);
            if (encoder.labels() == 0) {
                throw new ImportException(file + ": a transformer encoder without a classifier head writing logits;"
                        + " expected a student exported by 'kd4j export'");
            }
            return encoder.classifier(encoder.labels(), null, 0);
        }
        OnnxGraph graph = new OnnxGraph(model.getGraph(), opset);
        ContractMapping.mapInputs(graph, file);
        new ConstantsToInitializers().apply(graph);
        new IdentityRemoval().apply(graph);
        Map<String, INDArray> weights = new LinkedHashMap<>();
        EmbeddingCut.Tables tables = EmbeddingCut.find(graph, file);
        if (tables.positions() != null) {
            throw new ImportException(file + ": a position table beside an " + (lstm ? "LSTM" : "convolution")
                    + "; kd4j's BiLSTM and CNN students have none");
        }
        weights.put(EmbeddingLayer.TOKENS, tensor(graph, tables.word(), file));
        if (tables.types() != null) {
            weights.put(EmbeddingLayer.TYPES, tensor(graph, tables.types(), file));
        }
        ModelConfig config = lstm ? biLstm(graph, tables, weights, file) : cnn(graph, tables, weights, file);
        Onnx.NodeProto head = head(graph, file);
        Onnx.NodeProto relu = graph.producer(head.getInput(0));
        if (lstm && relu != null && relu.getOpType().equals("Relu")) {
            // the BiLSTM's ReLU layer before its classifier: Relu(Add(MatMul(pooled, W), b))
            Onnx.NodeProto hidden = linear(graph, relu.getInput(0), "the ReLU before the classifier does not read a linear"
                    + " layer", file);
            INDArray hw = tensor(graph, hidden.getInput(1), file);
            BiLstmConfig b = (BiLstmConfig) config;
            if (hw.rank() != 2 || hw.size(0) != 2L * b.units()) {
                throw new ImportException(file + ": the ReLU layer's weights " + java.util.Arrays.toString(hw.shape())
                        + " do not read the " + 2 * b.units() + "-wide pooled states of the LSTM");
            }
            weights.put("head_w", hw);
            weights.put("head_b", tensor(graph, bias(graph, hidden, file), file).reshape(1, hw.size(1)));
            config = new BiLstmConfig(b.hidden(), b.units(), (int) hw.size(1));
        }
        INDArray w = tensor(graph, head.getInput(1), file);
        weights.put("classifier_w", w);
        weights.put("classifier_b", tensor(graph, bias(graph, head, file), file).reshape(1, w.size(1)));
        try {
            return TextClassifier.fromWeights(config, weights, (int) w.size(1), 0);
        } catch (IllegalArgumentException e) {
            throw new ImportException(file + ": " + e.getMessage(), e);
        }
    }

    private static ModelConfig biLstm(OnnxGraph graph, EmbeddingCut.Tables tables, Map<String, INDArray> weights, String file) {
        List<Onnx.NodeProto> nodes = graph.nodes().stream().filter(n -> n.getOpType().equals("LSTM")).toList();
        if (nodes.size() != 1) {
            throw new ImportException(file + ": expected one LSTM node, found " + nodes.size());
        }
        Onnx.NodeProto n = nodes.get(0);
        Onnx.AttributeProto direction = Nodes.attribute(n, "direction");
        if (direction == null || !direction.getS().toStringUtf8().equals("bidirectional")) {
            throw new ImportException(file + ": LSTM '" + n.getName() + "': expected direction bidirectional, found "
                    + (direction == null ? "forward (default)" : direction.getS().toStringUtf8()));
        }
        if (Nodes.attribute(n, "activations") != null || Nodes.attribute(n, "clip") != null
                || Nodes.intAttribute(n, "input_forget", 0) != 0 || Nodes.intAttribute(n, "layout", 0) != 0) {
            throw new ImportException(file + ": LSTM '" + n.getName() + "': only the default activations, no clip, no coupled"
                    + " input/forget gate and the time-major layout are supported");
        }
        if (n.getInputCount() < 5 || n.getInput(4).isEmpty() || n.getInputCount() > 5 && !n.getInput(5).isEmpty()) {
            throw new ImportException(file + ": LSTM '" + n.getName() + "': expected inputs X, W, R, B and sequence_lens"
                    + " (from the attention mask), no initial state");
        }
        Onnx.NodeProto transpose = graph.producer(n.getInput(0));
        if (transpose == null || !transpose.getOpType().equals("Transpose") || !transpose.getInput(0).equals(tables.sum())) {
            throw new ImportException(file + ": LSTM '" + n.getName() + "' does not read the embeddings (transposed to time-major)");
        }
        int units = (int) Nodes.intAttribute(n, "hidden_size", -1);
        INDArray w = tensor(graph, n.getInput(1), file);
        INDArray r = tensor(graph, n.getInput(2), file);
        INDArray b = tensor(graph, n.getInput(3), file);
        int in = tables.dim();
        if (units < 1 || !java.util.Arrays.equals(w.shape(), new long[] {2, 4L * units, in})
                || !java.util.Arrays.equals(r.shape(), new long[] {2, 4L * units, units})
                || !java.util.Arrays.equals(b.shape(), new long[] {2, 8L * units})) {
            throw new ImportException(file + ": LSTM '" + n.getName() + "': weights " + java.util.Arrays.toString(w.shape()) + ", "
                    + java.util.Arrays.toString(r.shape()) + ", " + java.util.Arrays.toString(b.shape()) + " do not fit hidden_size "
                    + units + " and input width " + in);
        }
        String[] names = {"lstm_fwd", "lstm_bwd"};
        for (int d = 0; d < 2; d++) {
            weights.put(names[d] + "_w", LstmGates.toNd4j(w.slice(d), units));
            weights.put(names[d] + "_rw", LstmGates.toNd4j(r.slice(d), units));
            weights.put(names[d] + "_b", LstmGates.biasToNd4j(b.slice(d), units));
        }
        return new BiLstmConfig(in, units);
    }

    private static ModelConfig cnn(OnnxGraph graph, EmbeddingCut.Tables tables, Map<String, INDArray> weights, String file) {
        List<Onnx.NodeProto> convs = graph.nodes().stream().filter(n -> n.getOpType().equals("Conv")).toList();
        int filters = -1;
        java.util.Set<Integer> widths = new java.util.TreeSet<>();
        for (Onnx.NodeProto n : convs) {
            INDArray w = tensor(graph, n.getInput(1), file);
            if (w.rank() != 3 || w.size(1) != tables.dim() || n.getInputCount() < 3) {
                throw new ImportException(file + ": Conv '" + n.getName() + "': expected a 1-D convolution of the " + tables.dim()
                        + "-wide embeddings with a bias, found weights " + java.util.Arrays.toString(w.shape()));
            }
            int width = (int) w.size(2);
            long[] pads = Nodes.intsAttribute(n, "pads");
            long before = (width - 1) / 2;
            if (pads == null || pads.length != 2 || pads[0] != before || pads[1] != width - 1 - before) {
                throw new ImportException(file + ": Conv '" + n.getName() + "': expected 'same' padding [" + before + ", "
                        + (width - 1 - before) + "], found " + java.util.Arrays.toString(pads));
            }
            if (filters >= 0 && w.size(0) != filters) {
                throw new ImportException(file + ": Conv '" + n.getName() + "' has " + w.size(0) + " filters, others " + filters);
            }
            filters = (int) w.size(0);
            if (!widths.add(width)) {
                throw new ImportException(file + ": two convolutions of width " + width);
            }
            weights.put("conv" + width + "_w", w.permute(2, 1, 0).dup('c'));
            weights.put("conv" + width + "_b", tensor(graph, n.getInput(2), file).reshape(filters));
        }
        List<Integer> expected = java.util.Arrays.stream(CNN_WIDTHS).boxed().toList();
        if (!List.copyOf(widths).equals(expected)) {
            throw new ImportException(file + ": convolution widths " + widths + "; kd4j's CNN has " + expected);
        }
        return new CnnConfig(tables.dim(), filters);
    }

    /** The MatMul of the head: {@code logits = Add(MatMul(features, W), b)}. */
    private static Onnx.NodeProto head(OnnxGraph graph, String file) {
        if (graph.outputs().size() != 1) {
            throw new ImportException(file + ": expected one output (logits), found " + graph.outputs().size());
        }
        String out = graph.outputs().get(0).getName();
        return linear(graph, out, "output '" + out + "' is not a linear head", file);
    }

    /** The MatMul of {@code value = Add(MatMul(x, W), b)} with W a weight. */
    private static Onnx.NodeProto linear(OnnxGraph graph, String value, String problem, String file) {
        Onnx.NodeProto add = graph.producer(value);
        if (add != null && add.getOpType().equals("Add")) {
            for (String in : add.getInputList()) {
                Onnx.NodeProto mm = graph.producer(in);
                if (mm != null && mm.getOpType().equals("MatMul") && graph.initializer(mm.getInput(1)) != null) {
                    return mm;
                }
            }
        }
        throw new ImportException(file + ": " + problem + " (Add of a MatMul by a weight and a bias)");
    }

    private static String bias(OnnxGraph graph, Onnx.NodeProto matMul, String file) {
        Onnx.NodeProto add = graph.consumers(matMul.getOutput(0)).get(0);
        String other = add.getInput(0).equals(matMul.getOutput(0)) ? add.getInput(1) : add.getInput(0);
        if (graph.initializer(other) == null) {
            throw new ImportException(file + ": the head's bias '" + other + "' is not a constant");
        }
        return other;
    }

    private static INDArray tensor(OnnxGraph graph, String name, String file) {
        Onnx.TensorProto t = graph.initializer(name);
        if (t == null || t.getDataType() != Onnx.TensorProto.DataType.FLOAT.getNumber()) {
            throw new ImportException(file + ": '" + name + "' is not a FLOAT initializer");
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return Nd4j.create(Nodes.floats(t), shape, 'c');
    }
}
