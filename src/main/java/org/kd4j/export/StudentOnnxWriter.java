package org.kd4j.export;

import static org.kd4j.export.OnnxGraphBuilder.floatAttr;
import static org.kd4j.export.OnnxGraphBuilder.intAttr;
import static org.kd4j.export.OnnxGraphBuilder.ints;
import static org.kd4j.export.OnnxGraphBuilder.string;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.kd4j.KdException;
import org.kd4j.model.EmbeddingLayer;
import org.kd4j.model.BiLstmConfig;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.ClassifierGraphs;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.TransformerConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes a native kd4j student as a standard ONNX graph with the usual text-classifier contract: INT64 inputs
 * {@value #INPUT_IDS}, {@value #ATTENTION_MASK}, {@value #TOKEN_TYPE_IDS} of shape {@code [batch, sequence]} (both axes
 * dynamic), FLOAT output {@value #LOGITS} {@code [batch, outputs]}. Only standard ops of the default domain are used;
 * the graph computes what kd4j's SameDiff graph computes, op for op:
 * <ul>
 *   <li>embeddings: {@code Gather} of the token, (transformer) position {@code 0..sequence-1} and token-type tables,
 *       summed (kd4j keeps these tables outside its graph);</li>
 *   <li>transformer: embedding LayerNorm, post-LN BERT layers (query/key/value {@code MatMul + Add}, heads by
 *       {@code Reshape + Transpose}, {@code softmax(Q K^T / sqrt(d) + (1 - mask) * -10000) V}), the feed-forward
 *       activation as its formula ({@code x * Sigmoid(1.702 x)} for ND4J's fast GELU, {@code Erf} for exact GELU,
 *       {@code Tanh} for the tanh approximation, {@code Relu}), then masked-mean, [CLS]-through-tanh-pooler or
 *       first-token pooling;</li>
 *   <li>BiLSTM: one {@code LSTM} node per layer (a layer above the first reads the one under it, {@code Transpose}d
 *       and {@code Reshape}d to {@code [sequence, batch, 2 x units]}), {@code direction=bidirectional} with
 *       {@code sequence_lens} from the mask (the
 *       reverse direction then reads each row backwards from its last real token, as kd4j's reversed-within-length
 *       backward LSTM does); gates reordered from ND4J's (input, forget, cell, output) to ONNX's (input, output,
 *       forget, cell); max over the real tokens;</li>
 *   <li>CNN: padding zeroed, {@code Conv} of widths 3, 4, 5 with ND4J's "same" padding ({@code (w-1)/2} before, the
 *       rest after), {@code Relu}, max over the real tokens, concatenated;</li>
 *   <li>a linear head named {@value #LOGITS} (one output for regression).</li>
 * </ul>
 * Layer norms are {@code LayerNormalization} at opset 17 and decomposed at opset 14 ({@link OnnxOpset}). kd4j's fused
 * layer norm (epsilon 0) is written with epsilon 1e-12, BERT's.
 */
public final class StudentOnnxWriter {

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String LOGITS = "logits";
    /**
     * The second output of {@link #withFeatures}: the pooled representation the classifier reads (named as in kd4j's
     * graph, {@link ClassifierGraph#FEATURES}), {@code [batch, width]}.
     */
    public static final String FEATURES = ClassifierGraph.FEATURES;
    /** ONNX IR version written (opsets 14 and 17 both need at most 8). */
    static final int IR_VERSION = 8;
    /** Epsilon written for kd4j's fused layer norm, which adds none. */
    static final double FUSED_EPSILON = 1e-12;
    /** What kd4j adds on padding positions before a softmax or a max ({@code GraphBuilder.MASK_NEG}). */
    static final double MASK_NEG = -10_000.0;
    /** The CNN's convolution widths ({@code CnnGraph.WIDTHS}). */
    static final int[] CNN_WIDTHS = {3, 4, 5};

    private final TextClassifier model;
    private final ModelConfig config;
    private final Map<String, INDArray> params;
    private final OnnxOpset opset;
    private final OnnxGraphBuilder b;
    private final boolean withFeatures;
    private String idsShape;

    private StudentOnnxWriter(TextClassifier model, OnnxOpset opset, boolean withFeatures) {
        this.withFeatures = withFeatures;
        this.model = model;
        this.config = model.config();
        this.params = model.parameters();
        this.opset = opset;
        this.b = new OnnxGraphBuilder("kd4j_" + config.type().name().toLowerCase(java.util.Locale.ROOT) + "_student");
    }

    /**
     * The ONNX model of a student.
     *
     * @throws KdException for an imported model (its graph came from an ONNX file: export that file instead)
     */
    public static Onnx.ModelProto write(TextClassifier model, ExportMetadata metadata, OnnxOpset opset) {
        return new StudentOnnxWriter(model, opset, false).write(checked(model, metadata));
    }

    /**
     * The ONNX model of a student with a second output, {@link #FEATURES}: the pooled representation its classifier
     * reads (a teacher's, for the hidden loss). {@link #write} is the exported contract, logits only.
     *
     * @throws KdException for an imported model
     */
    public static Onnx.ModelProto withFeatures(TextClassifier model, ExportMetadata metadata, OnnxOpset opset) {
        return new StudentOnnxWriter(model, opset, true).write(checked(model, metadata));
    }

    private static ExportMetadata checked(TextClassifier model, ExportMetadata metadata) {
        if (model.config().type() == ModelType.IMPORTED) {
            throw new KdException("the student is a graph imported from " + model.source().map(s -> s.path()).orElse("an ONNX file")
                    + "; only native students (transformer, bilstm, cnn) are exported: use that ONNX file itself");
        }
        if (model.outputs() != metadata.task().numOutputs()) {
            throw new IllegalArgumentException("the model has " + model.outputs() + " outputs, task " + metadata.task()
                    + " needs " + metadata.task().numOutputs());
        }
        return metadata;
    }

    private Onnx.ModelProto write(ExportMetadata metadata) {
        b.idsInput(INPUT_IDS);
        b.idsInput(ATTENTION_MASK);
        b.idsInput(TOKEN_TYPE_IDS);
        String embeddings = embeddings();
        String mask = b.op("Cast", "mask_float", List.of(ATTENTION_MASK), intAttr("to", Onnx.TensorProto.DataType.FLOAT.getNumber()));
        String features = switch (config.type()) {
            case TRANSFORMER -> transformer(embeddings, mask);
            case BILSTM -> biLstm(embeddings, mask);
            case CNN -> cnn(embeddings, mask);
            case IMPORTED -> throw new IllegalStateException("checked above");
        };
        String classifierInput = features;
        if (config instanceof BiLstmConfig lstm && lstm.headUnits() > 0) {
            classifierInput = b.op("Relu", "head_relu", List.of(b.linear(features, params.get("head_w"), params.get("head_b"), "head")));
        }
        String product = b.op("MatMul", "classifier_matmul", List.of(classifierInput, b.weight("classifier_w", params.get("classifier_w"))));
        b.opNamed("Add", LOGITS, List.of(product, b.weight("classifier_b", vector("classifier_b"))));
        b.output(LOGITS, model.outputs());
        if (withFeatures) {
            b.opNamed("Identity", FEATURES, List.of(features));
            b.output(FEATURES, ClassifierGraphs.featureWidth(config).orElseThrow());
        }

        Onnx.ModelProto.Builder m = Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("kd4j")
                .setProducerVersion("0.1.0")
                .setDocString("kd4j " + config.type().name().toLowerCase(java.util.Locale.ROOT) + " student for "
                        + metadata.task().displayName() + ": " + config)
                .setGraph(b.build());
        m.addOpsetImportBuilder().setDomain("").setVersion(opset.version());
        metadata.toProperties().forEach((k, v) -> m.addMetadataPropsBuilder().setKey(k).setValue(v));
        return m.build();
    }

    private INDArray vector(String name) {
        INDArray a = params.get(name);
        return a.reshape(a.length());
    }

    /** Token (+ positions for transformers) + token-type embeddings, {@code [batch, sequence, dim]}. */
    private String embeddings() {
        String sum = b.op("Gather", "word_embeddings", List.of(b.weight(EmbeddingLayer.TOKENS, params.get(EmbeddingLayer.TOKENS)), INPUT_IDS));
        if (params.containsKey(EmbeddingLayer.POSITIONS)) {
            String length = b.op("Gather", "sequence_length", List.of(idsShape(), b.scalarLong(1)), intAttr("axis", 0));
            String positions = b.op("Range", "position_ids", List.of(b.scalarLong(0), length, b.scalarLong(1)));
            String rows = b.op("Gather", "position_embeddings",
                    List.of(b.weight(EmbeddingLayer.POSITIONS, params.get(EmbeddingLayer.POSITIONS)), positions));
            sum = b.add(sum, rows, "word_and_position_embeddings");
        }
        if (params.containsKey(EmbeddingLayer.TYPES)) {
            String rows = b.op("Gather", "token_type_embeddings",
                    List.of(b.weight(EmbeddingLayer.TYPES, params.get(EmbeddingLayer.TYPES)), TOKEN_TYPE_IDS));
            sum = b.add(sum, rows, "embeddings");
        }
        return sum;
    }

    /** {@code Shape(input_ids)}: {@code [batch, sequence]}. */
    private String idsShape() {
        if (idsShape == null) {
            idsShape = b.op("Shape", "ids_shape", List.of(INPUT_IDS));
        }
        return idsShape;
    }

    // ------------------------------------------------------------------ transformer

    /** The shape of a transformer student (the transformer's methods only). */
    private TransformerConfig transformerConfig() {
        return (TransformerConfig) config;
    }

    private String transformer(String embeddings, String mask) {
        int h = config.hidden();
        String x = layerNorm(embeddings, "emb_ln");
        if (transformerConfig().projectsEmbeddings()) {
            x = linear(x, "emb_proj"); // ELECTRA-small's embeddings_project, to the hidden size
        }
        String bias = b.unsqueeze(b.paddingBias(mask, MASK_NEG, "attention_bias_2d"), "attention_bias", 1, 2);
        String shape = idsShape();
        String batch = b.op("Slice", "batch_size", List.of(shape, b.longs(0), b.longs(1), b.longs(0)));
        String length = b.op("Slice", "sequence_size", List.of(shape, b.longs(1), b.longs(2), b.longs(0)));
        String headsShape = b.op("Concat", "heads_shape", List.of(batch, length, b.longs(transformerConfig().heads()), b.longs(transformerConfig().headSize())),
                intAttr("axis", 0));
        String hiddenShape = b.op("Concat", "hidden_shape", List.of(batch, length, b.longs(h)), intAttr("axis", 0));
        for (int layer = 0; layer < transformerConfig().layers(); layer++) {
            String p = "l" + layer + "_";
            String q = heads(linear(x, p + "q"), headsShape, p + "query", 0, 2, 1, 3);
            String k = heads(linear(x, p + "k"), headsShape, p + "key", 0, 2, 3, 1);
            String v = heads(linear(x, p + "v"), headsShape, p + "value", 0, 2, 1, 3);
            String scores = b.op("MatMul", p + "scores", List.of(q, k));
            scores = b.mul(scores, b.scalarFloat((float) (1.0 / Math.sqrt(transformerConfig().headSize()))), p + "scaled_scores");
            scores = b.add(scores, bias, p + "masked_scores");
            String probabilities = b.op("Softmax", p + "attention_probs", List.of(scores), intAttr("axis", -1));
            String context = b.op("MatMul", p + "context", List.of(probabilities, v));
            context = b.op("Transpose", p + "context_tokens", List.of(context), ints("perm", 0, 2, 1, 3));
            context = b.op("Reshape", p + "context_merged", List.of(context, hiddenShape));
            String attention = linear(context, p + "o");
            x = layerNorm(b.add(attention, x, p + "attention_residual"), p + "attn_ln");
            String inner = activation(linear(x, p + "ffn_in"), p + "ffn_act");
            x = layerNorm(b.add(linear(inner, p + "ffn_out"), x, p + "ffn_residual"), p + "ffn_ln");
        }
        return switch (transformerConfig().pooling()) {
            case MEAN -> {
                String m = b.unsqueeze(mask, "mask_column", 2);
                String summed = b.op("ReduceSum", "masked_sum", List.of(b.mul(x, m, "masked_states"), b.longs(1)), intAttr("keepdims", 0));
                String count = b.op("ReduceSum", "token_count", List.of(m, b.longs(1)), intAttr("keepdims", 0));
                yield b.op("Div", "mean_pooled", List.of(summed, count));
            }
            case CLS -> b.op("Tanh", "pooler_output", List.of(linear(first(x), "pooler")));
            case CLS_RELU -> b.op("Relu", "pooler_output", List.of(linear(first(x), "pooler")));
            case CLS_GELU -> exactGelu(linear(first(x), "pooler"), "pooler_output");
            case FIRST -> first(x);
        };
    }

    /** The first token's state, {@code [batch, hidden]}. */
    private String first(String states) {
        return b.op("Gather", "first_token", List.of(states, b.scalarLong(0)), intAttr("axis", 1));
    }

    private String linear(String x, String name) {
        return b.linear(x, params.get(name + "_w"), params.get(name + "_b"), name);
    }

    private String heads(String x, String headsShape, String name, long... perm) {
        String split = b.op("Reshape", name + "_heads", List.of(x, headsShape));
        return b.op("Transpose", name + "_transposed", List.of(split), ints("perm", perm));
    }

    /** {@code x * 0.5 * (1 + erf(x / sqrt(2)))}, its output named {@code name}. */
    private String exactGelu(String x, String name) {
        String erf = b.op("Erf", name + "_erf", List.of(b.mul(x, b.scalarFloat((float) (1.0 / Math.sqrt(2.0))), name + "_scaled")));
        return b.mul(b.mul(x, b.scalarFloat(0.5f), name + "_half"), b.add(erf, b.scalarFloat(1f), name + "_erf1"), name);
    }

    private String activation(String x, String name) {
        return switch (transformerConfig().activation()) {
            case GELU_SIGMOID -> b.mul(x, b.op("Sigmoid", name + "_gate",
                    List.of(b.mul(x, b.scalarFloat(1.702f), name + "_scaled"))), name);
            case GELU -> exactGelu(x, name);
            case GELU_TANH -> {
                String cube = b.mul(b.mul(x, x, name + "_sq"), x, name + "_cube");
                String inner = b.add(x, b.mul(cube, b.scalarFloat(0.044715f), name + "_cube_scaled"), name + "_inner");
                String tanh = b.op("Tanh", name + "_tanh", List.of(b.mul(inner, b.scalarFloat((float) Math.sqrt(2.0 / Math.PI)), name + "_arg")));
                yield b.mul(b.mul(x, b.scalarFloat(0.5f), name + "_half"), b.add(tanh, b.scalarFloat(1f), name + "_tanh1"), name);
            }
            case RELU -> b.op("Relu", name, List.of(x));
        };
    }

    /** Layer norm over the last axis with {@code name_g}, {@code name_b}. */
    private String layerNorm(String x, String name) {
        String gain = b.weight(name + "_g", vector(name + "_g"));
        String bias = b.weight(name + "_b", vector(name + "_b"));
        float eps = (float) Math.max(transformerConfig().layerNormEps(), FUSED_EPSILON);
        if (opset == OnnxOpset.V17) {
            return b.op("LayerNormalization", name, List.of(x, gain, bias), intAttr("axis", -1), floatAttr("epsilon", eps));
        }
        String mean = b.op("ReduceMean", name + "_mean", List.of(x), ints("axes", -1), intAttr("keepdims", 1));
        String centred = b.op("Sub", name + "_centred", List.of(x, mean));
        String variance = b.op("ReduceMean", name + "_variance", List.of(b.mul(centred, centred, name + "_squared")),
                ints("axes", -1), intAttr("keepdims", 1));
        String std = b.op("Sqrt", name + "_std", List.of(b.add(variance, b.scalarFloat(eps), name + "_variance_eps")));
        String normalised = b.op("Div", name + "_normalised", List.of(centred, std));
        return b.add(b.mul(normalised, gain, name + "_scaled"), bias, name);
    }

    // ------------------------------------------------------------------ BiLSTM

    private String biLstm(String embeddings, String mask) {
        BiLstmConfig lstm = (BiLstmConfig) config;
        int units = lstm.units();
        String lengths = b.op("Cast", "sequence_lens", List.of(b.op("ReduceSum", "lengths", List.of(ATTENTION_MASK, b.longs(1)),
                intAttr("keepdims", 0))), intAttr("to", Onnx.TensorProto.DataType.INT32.getNumber()));
        String input = b.op("Transpose", "time_major", List.of(embeddings), ints("perm", 1, 0, 2));
        int width = config.hidden();
        String states = null;
        for (int k = 0; k < lstm.layers(); k++) {
            String p = k == 0 ? "lstm_" : "lstm" + (k + 1) + "_";
            String fwd = org.kd4j.model.BiLstm.direction(k, true);
            String bwd = org.kd4j.model.BiLstm.direction(k, false);
            INDArray w = Nd4j.concat(0, LstmGates.toOnnx(params.get(fwd + "_w"), units), LstmGates.toOnnx(params.get(bwd + "_w"), units));
            INDArray r = Nd4j.concat(0, LstmGates.toOnnx(params.get(fwd + "_rw"), units), LstmGates.toOnnx(params.get(bwd + "_rw"), units));
            INDArray bias = Nd4j.concat(0, LstmGates.biasToOnnx(params.get(fwd + "_b"), units),
                    LstmGates.biasToOnnx(params.get(bwd + "_b"), units));
            states = b.op("LSTM", p + "states", List.of(input,
                            b.weight(p + "W", w.reshape(2, 4L * units, width)),
                            b.weight(p + "R", r.reshape(2, 4L * units, units)),
                            b.weight(p + "B", bias.reshape(2, 8L * units)), lengths),
                    intAttr("hidden_size", units), string("direction", "bidirectional"));
            if (k < lstm.layers() - 1) {
                // [sequence, direction, batch, units] -> [sequence, batch, direction x units]: the next layer's input
                String byBatch = b.op("Transpose", p + "by_batch", List.of(states), ints("perm", 0, 2, 1, 3));
                input = b.op("Reshape", p + "output", List.of(byBatch, b.longs(0, 0, -1)));
                width = 2 * units;
            }
        }
        // [sequence, direction, batch, units] -> [direction, batch, sequence, units]
        String byDirection = b.op("Transpose", "lstm_by_direction", List.of(states), ints("perm", 1, 2, 0, 3));
        String padding = b.unsqueeze(b.paddingBias(mask, MASK_NEG, "padding_bias"), "padding_bias_4d", 0, 3);
        String maxed = b.op("ReduceMax", "lstm_max", List.of(b.add(byDirection, padding, "lstm_masked")), ints("axes", 2),
                intAttr("keepdims", 0));
        String forward = b.op("Gather", "forward_max", List.of(maxed, b.scalarLong(0)), intAttr("axis", 0));
        String backward = b.op("Gather", "backward_max", List.of(maxed, b.scalarLong(1)), intAttr("axis", 0));
        return b.op("Concat", "pooled", List.of(forward, backward), intAttr("axis", 1));
    }

    // ------------------------------------------------------------------ CNN

    private String cnn(String embeddings, String mask) {
        String zeroed = b.mul(embeddings, b.unsqueeze(mask, "mask_column", 2), "embeddings_unpadded");
        String channels = b.op("Transpose", "channels_first", List.of(zeroed), ints("perm", 0, 2, 1));
        String padding = b.unsqueeze(b.paddingBias(mask, MASK_NEG, "padding_bias"), "padding_bias_3d", 1);
        List<String> pooled = new ArrayList<>();
        for (int width : CNN_WIDTHS) {
            String p = "conv" + width;
            // ND4J [width, in, filters] -> ONNX [filters, in, width]
            INDArray w = params.get(p + "_w").permute(2, 1, 0);
            long before = (width - 1) / 2;
            String conv = b.op("Conv", p, List.of(channels, b.weight(p + "_w", w), b.weight(p + "_b", vector(p + "_b"))),
                    ints("kernel_shape", width), ints("pads", before, width - 1 - before), ints("strides", 1), ints("dilations", 1));
            String relu = b.op("Relu", p + "_relu", List.of(conv));
            pooled.add(b.op("ReduceMax", p + "_max", List.of(b.add(relu, padding, p + "_masked")), ints("axes", 2),
                    intAttr("keepdims", 0)));
        }
        return b.op("Concat", "pooled", pooled, intAttr("axis", 1));
    }
}
