package org.kd4j.imports.encoder;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.kd4j.imports.ImportException;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.onnx.ContractMapping;
import org.kd4j.imports.onnx.graph.Nodes;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.onnx.rewrite.ConstantsToInitializers;
import org.kd4j.imports.onnx.rewrite.IdentityRemoval;
import org.kd4j.imports.student.EmbeddingCut;
import org.kd4j.model.Activation;
import org.kd4j.model.EmbeddingLayer;
import org.kd4j.model.TransformerConfig;
import org.kd4j.model.Pooling;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Recognises a BERT-family encoder in an ONNX graph by its data flow, not by tensor names (the PyTorch exporter names
 * most weights {@code onnx::MatMul_NNN}): summed word, position and token-type embeddings into a LayerNorm; then per
 * layer three linear maps of the hidden state whose outputs meet in {@code softmax(Q K^T ...) V} (Q and K told apart
 * by which side of the scores product they reach), an output projection, a residual LayerNorm, a feed-forward block
 * with its activation (Erf: GELU; Tanh: the tanh approximation; Relu) and a second residual LayerNorm; optionally a
 * pooler ({@code tanh(W h[:,0] + b)}, BERT's; {@code relu(W h[:,0] + b)}, DistilBERT's {@code pre_classifier}; or
 * {@code gelu(W h[:,0] + b)}, ELECTRA's classification head) and a classifier on it. LayerNorms are read in the decomposed form the exporter
 * writes before opset 17 ({@code ReduceMean, Sub, Pow, ReduceMean, Add eps, Sqrt, Div, Mul, Add}) and as
 * {@code LayerNormalization}.
 *
 * <p>The weights found are named as {@link org.kd4j.model.TextClassifier}'s native transformer names its parameters,
 * so the encoder runs on kd4j's own graph. What this walk does not check (the attention scale, the mask's form) the
 * parity check against ONNX Runtime does. An embedding projection between the embeddings' LayerNorm and the first
 * layer (ELECTRA-small's {@code embeddings_project}) is read as {@link TransformerConfig#embeddingSize()}. Anything
 * else (RoBERTa's computed positions, pre-layer-norm blocks, fused ops) is {@link NotRecognizedException}, with the reason.
 */
public final class EncoderRecognizer {

    private final OnnxGraph graph;
    private final String file;
    private final Map<String, INDArray> weights = new LinkedHashMap<>();
    private final Set<Double> epsilons = new HashSet<>();
    private Activation activation;
    private int heads = -1;

    private EncoderRecognizer(OnnxGraph graph, String file) {
        this.graph = graph;
        this.file = file;
    }

    /**
     * Recognises the encoder of a parsed ONNX model.
     *
     * @throws NotRecognizedException saying what did not fit
     * @throws ImportException when the graph's inputs are not kd4j's contract
     */
    public static RecognizedEncoder recognize(Onnx.ModelProto model, int opset, String file) throws ImportException {
        OnnxGraph graph = new OnnxGraph(model.getGraph(), opset);
        Map<String, String> inputs = ContractMapping.mapInputs(graph, file);
        new ConstantsToInitializers().apply(graph);
        new IdentityRemoval().apply(graph);
        return new EncoderRecognizer(graph, file).walk(inputs);
    }

    private RecognizedEncoder walk(Map<String, String> inputs) throws ImportException {
        EmbeddingCut.Tables tables;
        try {
            tables = EmbeddingCut.find(graph, file);
        } catch (ImportException e) {
            throw new NotRecognizedException(e.getMessage());
        }
        if (tables.positions() == null) {
            throw notRecognized("no position embedding table is summed with the word embeddings");
        }
        weights.put(EmbeddingLayer.TOKENS, matrix(tables.word()));
        weights.put(EmbeddingLayer.POSITIONS, matrix(tables.positions()));
        if (tables.types() != null) {
            INDArray types = matrix(tables.types());
            if (types.size(0) > 2) {
                throw notRecognized("token-type table has " + types.size(0) + " rows; kd4j's transformer has 2");
            }
            INDArray two = Nd4j.zeros(DataType.FLOAT, 2, types.size(1));
            two.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, types.size(0)), org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(types);
            weights.put(EmbeddingLayer.TYPES, two);
        }
        int hidden = tables.dim();
        int embeddingSize = 0;
        String h = layerNorm(tables.sum(), "emb_ln");
        List<Onnx.NodeProto> afterNorm = graph.consumers(h).stream().filter(this::isLinear).toList();
        if (afterNorm.size() == 1) {
            // one linear map between the embeddings' LayerNorm and the first layer: ELECTRA-small's embeddings_project
            Linear projection = linear(afterNorm.get(0));
            if (projection.w().size(0) != hidden) {
                throw notRecognized("embedding projection '" + afterNorm.get(0).getName() + "' reads "
                        + projection.w().size(0) + " values, the embeddings are " + hidden + " wide");
            }
            put("emb_proj", projection);
            embeddingSize = hidden;
            hidden = (int) projection.w().size(1);
            h = projection.out();
        }
        int layers = 0;
        int ffn = -1;
        while (true) {
            List<Onnx.NodeProto> linears = graph.consumers(h).stream().filter(this::isLinear).toList();
            if (linears.size() != 3) {
                break;
            }
            String p = "l" + layers + "_";
            Layer layer = layer(h, linears, p, hidden);
            if (ffn >= 0 && layer.ffn() != ffn) {
                throw notRecognized("layer " + layers + " has FFN width " + layer.ffn() + ", earlier layers " + ffn);
            }
            ffn = layer.ffn();
            h = layer.output();
            layers++;
        }
        if (layers == 0) {
            throw notRecognized("after the embeddings LayerNorm, no attention block (three linear maps of the hidden state)");
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        Pooler pooler = pooler(h, hidden);
        String pooled = pooler == null ? null : pooler.out();
        Pooling pooling = pooler != null ? pooler.pooling() : Pooling.FIRST;
        Onnx.NodeProto head = null;
        if (pooled != null) {
            head = graph.consumers(pooled).stream().filter(this::isLinear).findFirst().orElse(null);
        } else {
            // no pooler: a classifier on the first token's state or on the masked mean of the states (kd4j's exports)
            Map.Entry<Pooling, Onnx.NodeProto> onStates = headOnStates(h);
            if (onStates != null) {
                pooling = onStates.getKey();
                head = onStates.getValue();
            }
        }
        int labels = 0;
        String logits = null;
        if (head != null) {
            Linear c = linear(head);
            weights.put("classifier_w", c.w());
            weights.put("classifier_b", c.b());
            labels = (int) c.w().size(1);
            logits = c.out();
        }
        for (Onnx.ValueInfoProto out : graph.outputs()) {
            String name = out.getName();
            if (name.equals(h)) {
                outputs.put(GraphContract.LAST_HIDDEN_STATE, name);
            } else if (name.equals(pooled)) {
                outputs.put(GraphContract.POOLER_OUTPUT, name);
            } else if (name.equals(logits)) {
                outputs.put(GraphContract.LOGITS, name);
            } else {
                throw notRecognized("graph output '" + name + "' is neither the last hidden state, the pooler nor a classifier on it");
            }
        }
        if (heads < 1 || hidden % heads != 0) {
            throw notRecognized("could not read the attention heads (found " + heads + ") for hidden " + hidden);
        }
        double eps = epsilons.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        if (epsilons.size() > 1) {
            throw notRecognized("LayerNorms use different epsilons " + epsilons);
        }
        int positions = (int) weights.get(EmbeddingLayer.POSITIONS).size(0);
        if (positions < 8 || positions > 4096) {
            throw notRecognized("position table has " + positions + " rows; expected 8..4096");
        }
        TransformerConfig config = new TransformerConfig(layers, hidden, heads, ffn, positions, pooling, activation, eps, embeddingSize);
        return new RecognizedEncoder(config, weights, pooled != null, labels, Map.copyOf(inputs), outputs);
    }

    /** What one encoder layer gave: its feed-forward width and its output tensor. */
    private record Layer(int ffn, String output) { }

    /** One encoder layer starting at hidden state {@code h}. */
    private Layer layer(String h, List<Onnx.NodeProto> qkvNodes, String p, int hidden) throws NotRecognizedException {
        Map<String, Linear> byOutput = new LinkedHashMap<>();
        for (Onnx.NodeProto n : qkvNodes) {
            Linear l = linear(n);
            if (l.w().size(0) != hidden || l.w().size(1) != hidden) {
                throw notRecognized(p + "attention projection '" + n.getName() + "' is " + java.util.Arrays.toString(l.w().shape())
                        + ", expected [" + hidden + ", " + hidden + "]");
            }
            byOutput.put(l.out(), l);
        }
        Onnx.NodeProto softmax = downstream(byOutput.keySet().iterator().next(), "Softmax", 40);
        if (softmax == null) {
            throw notRecognized(p + "no Softmax after the attention projections");
        }
        Onnx.NodeProto scores = upstreamMatMul(softmax.getInput(0));
        if (scores == null) {
            throw notRecognized(p + "the attention Softmax does not read a product of two activations");
        }
        Onnx.NodeProto context = graph.consumers(softmax.getOutput(0)).stream()
                .filter(n -> n.getOpType().equals("MatMul") && n.getInput(0).equals(softmax.getOutput(0))).findFirst().orElse(null);
        if (context == null) {
            throw notRecognized(p + "no MatMul of the attention probabilities with the values");
        }
        Linear q = reaches(scores.getInput(0), byOutput);
        Linear k = reaches(scores.getInput(1), byOutput);
        Linear v = reaches(context.getInput(1), byOutput);
        if (q == null || k == null || v == null || q == k || k == v || q == v) {
            throw notRecognized(p + "cannot tell the query, key and value projections apart");
        }
        readHeads(q.out(), p);
        put(p + "q", q);
        put(p + "k", k);
        put(p + "v", v);
        Onnx.NodeProto oNode = downstreamWhere(context.getOutput(0), this::isLinear, 8);
        if (oNode == null) {
            throw notRecognized(p + "no output projection after the attention");
        }
        Linear o = linear(oNode);
        put(p + "o", o);
        String attnOut = layerNorm(residual(o.out(), h, p + "attention"), p + "attn_ln");

        List<Onnx.NodeProto> ffnIn = graph.consumers(attnOut).stream().filter(this::isLinear).toList();
        if (ffnIn.size() != 1) {
            throw notRecognized(p + "expected one feed-forward input projection, found " + ffnIn.size());
        }
        Linear in = linear(ffnIn.get(0));
        put(p + "ffn_in", in);
        Set<String> ops = new HashSet<>();
        Onnx.NodeProto outNode = downstreamCollecting(in.out(), ops, 16);
        if (outNode == null) {
            throw notRecognized(p + "no feed-forward output projection");
        }
        Activation act = ops.contains("Erf") ? Activation.GELU
                : ops.contains("Tanh") ? Activation.GELU_TANH
                : ops.contains("Sigmoid") ? Activation.GELU_SIGMOID
                : ops.contains("Relu") ? Activation.RELU : null;
        if (act == null) {
            throw notRecognized(p + "unknown feed-forward activation (ops " + ops + ")");
        }
        if (activation != null && activation != act) {
            throw notRecognized(p + "activation " + act + " differs from earlier layers' " + activation);
        }
        activation = act;
        Linear out = linear(outNode);
        put(p + "ffn_out", out);
        return new Layer((int) in.w().size(1), layerNorm(residual(out.out(), attnOut, p + "feed-forward"), p + "ffn_ln"));
    }

    /** The Add of {@code branch} and {@code skip}, its output. */
    private String residual(String branch, String skip, String what) throws NotRecognizedException {
        for (Onnx.NodeProto n : graph.consumers(branch)) {
            if (n.getOpType().equals("Add") && n.getInputList().contains(skip)) {
                return n.getOutput(0);
            }
        }
        throw notRecognized(what + " block has no residual connection (post-layer-norm BERT expected)");
    }

    /** The LayerNorm reading {@code x}: stores its gain and bias as {@code name_g}, {@code name_b}; returns its output. */
    private String layerNorm(String x, String name) throws NotRecognizedException {
        for (Onnx.NodeProto n : graph.consumers(x)) {
            if (n.getOpType().equals("LayerNormalization") && n.getInput(0).equals(x)) {
                weights.put(name + "_g", vector(n.getInput(1)));
                weights.put(name + "_b", vector(n.getInput(2)));
                epsilons.add((double) Nodes.floatAttribute(n, "epsilon", 1e-5f));
                return n.getOutput(0);
            }
        }
        Onnx.NodeProto sub = graph.consumers(x).stream()
                .filter(n -> n.getOpType().equals("Sub") && n.getInput(0).equals(x)).findFirst().orElse(null);
        if (sub == null) {
            throw notRecognized(name + ": no LayerNorm (x - mean(x) ...) reads " + x);
        }
        String centred = sub.getOutput(0);
        Onnx.NodeProto div = graph.consumers(centred).stream()
                .filter(n -> n.getOpType().equals("Div") && n.getInput(0).equals(centred)).findFirst().orElse(null);
        if (div == null) {
            throw notRecognized(name + ": LayerNorm without (x - mean) / sqrt(var + eps)");
        }
        Onnx.NodeProto sqrt = graph.producer(div.getInput(1));
        Onnx.NodeProto addEps = sqrt == null ? null : graph.producer(sqrt.getInput(0));
        if (sqrt == null || !sqrt.getOpType().equals("Sqrt") || addEps == null || !addEps.getOpType().equals("Add")) {
            throw notRecognized(name + ": LayerNorm denominator is not sqrt(var + eps)");
        }
        String epsName = graph.initializer(addEps.getInput(1)) != null ? addEps.getInput(1) : addEps.getInput(0);
        Onnx.TensorProto epsTensor = graph.initializer(epsName);
        if (epsTensor == null) {
            throw notRecognized(name + ": LayerNorm epsilon is not a constant");
        }
        epsilons.add(Nodes.scalar(epsTensor));
        Onnx.NodeProto mul = single(div.getOutput(0), "Mul", name + ": LayerNorm gain");
        weights.put(name + "_g", vector(other(mul, div.getOutput(0))));
        Onnx.NodeProto add = single(mul.getOutput(0), "Add", name + ": LayerNorm bias");
        weights.put(name + "_b", vector(other(add, mul.getOutput(0))));
        return add.getOutput(0);
    }

    /**
     * A pooler's output tensor and its kind ({@link Pooling#CLS}: tanh, {@link Pooling#CLS_RELU}: ReLU,
     * {@link Pooling#CLS_GELU}: the exact GELU).
     */
    private record Pooler(String out, Pooling pooling) { }

    /**
     * The pooler on {@code h}: {@code tanh(linear(h[:, 0]))} (BERT's pooler), {@code relu(linear(h[:, 0]))}
     * (DistilBERT's {@code pre_classifier}) or {@code gelu(linear(h[:, 0]))} with the exact GELU written out as
     * {@code Div, Erf, Add, Mul, Mul} (ELECTRA's classification head, whose output is the input of the next linear
     * map), hidden to hidden; stores its weights; null when there is none.
     */
    private Pooler pooler(String h, int hidden) throws NotRecognizedException {
        for (Onnx.NodeProto n : graph.consumers(h)) {
            boolean first = (n.getOpType().equals("Gather") && Nodes.intAttribute(n, "axis", 0) == 1
                    && graph.initializer(n.getInput(1)) != null && Nodes.scalar(graph.initializer(n.getInput(1))) == 0)
                    || n.getOpType().equals("Slice");
            if (!first) {
                continue;
            }
            Onnx.NodeProto lin = downstreamWhere(n.getOutput(0), this::isLinear, 3);
            if (lin == null) {
                continue;
            }
            Linear l = linear(lin);
            if (l.w().size(0) != hidden || l.w().size(1) != hidden) {
                continue;
            }
            Onnx.NodeProto act = graph.consumers(l.out()).stream()
                    .filter(c -> c.getOpType().equals("Tanh") || c.getOpType().equals("Relu")).findFirst().orElse(null);
            Pooler found = null;
            if (act != null) {
                found = new Pooler(act.getOutput(0), act.getOpType().equals("Tanh") ? Pooling.CLS : Pooling.CLS_RELU);
            } else {
                Set<String> ops = new HashSet<>();
                Onnx.NodeProto next = downstreamCollecting(l.out(), ops, 6);
                if (next != null && ops.contains("Erf") && Set.of("Div", "Mul", "Erf", "Add").containsAll(ops)) {
                    found = new Pooler(next.getInput(0), Pooling.CLS_GELU);
                }
            }
            if (found == null) {
                continue;
            }
            weights.put("pooler_w", l.w());
            weights.put("pooler_b", l.b());
            return found;
        }
        return null;
    }

    /**
     * A linear head read straight from the token states {@code h} without a pooler: on the first token's state
     * ({@code Gather(h, 0, axis 1)}: {@link Pooling#FIRST}), or on the masked mean
     * ({@code ReduceSum(h * m, 1) / ReduceSum(m, 1)}: {@link Pooling#MEAN}); null when there is none.
     */
    private Map.Entry<Pooling, Onnx.NodeProto> headOnStates(String h) {
        for (Onnx.NodeProto n : graph.consumers(h)) {
            if (n.getOpType().equals("Gather") && Nodes.intAttribute(n, "axis", 0) == 1 && graph.initializer(n.getInput(1)) != null
                    && Nodes.size(graph.initializer(n.getInput(1))) == 1 && Nodes.scalar(graph.initializer(n.getInput(1))) == 0) {
                Onnx.NodeProto lin = graph.consumers(n.getOutput(0)).stream().filter(this::isLinear).findFirst().orElse(null);
                if (lin != null) {
                    return Map.entry(Pooling.FIRST, lin);
                }
            }
            if (n.getOpType().equals("Mul") && n.getInputCount() == 2) {
                String weightsIn = n.getInput(0).equals(h) ? n.getInput(1) : n.getInput(0);
                List<Onnx.NodeProto> sums = graph.consumers(n.getOutput(0));
                if (sums.size() != 1 || !sums.get(0).getOpType().equals("ReduceSum")) {
                    continue;
                }
                Onnx.NodeProto div = graph.consumers(sums.get(0).getOutput(0)).stream()
                        .filter(d -> d.getOpType().equals("Div") && d.getInput(0).equals(sums.get(0).getOutput(0))).findFirst().orElse(null);
                Onnx.NodeProto count = div == null ? null : graph.producer(div.getInput(1));
                if (count == null || !count.getOpType().equals("ReduceSum") || !count.getInput(0).equals(weightsIn)) {
                    continue;
                }
                Onnx.NodeProto lin = graph.consumers(div.getOutput(0)).stream().filter(this::isLinear).findFirst().orElse(null);
                if (lin != null) {
                    return Map.entry(Pooling.MEAN, lin);
                }
            }
        }
        return null;
    }

    private void readHeads(String qOut, String p) throws NotRecognizedException {
        Onnx.NodeProto reshape = downstream(qOut, "Reshape", 3);
        if (reshape == null) {
            throw notRecognized(p + "the query is not reshaped into heads");
        }
        long[] shape = shapeValues(reshape.getInput(1));
        if (shape == null || shape.length != 4 || shape[2] < 1) {
            throw notRecognized(p + "cannot read the head count from the query's Reshape '" + reshape.getName() + "'");
        }
        if (heads > 0 && heads != shape[2]) {
            throw notRecognized(p + "has " + shape[2] + " heads, earlier layers " + heads);
        }
        heads = (int) shape[2];
    }

    /** The values of a Reshape's shape input: an initializer, or a Concat of one-element pieces (-1 where computed). */
    private long[] shapeValues(String tensor) {
        Onnx.TensorProto init = graph.initializer(tensor);
        if (init != null) {
            return Nodes.longs(init);
        }
        Onnx.NodeProto concat = graph.producer(tensor);
        if (concat == null || !concat.getOpType().equals("Concat")) {
            return null;
        }
        long[] out = new long[concat.getInputCount()];
        for (int i = 0; i < out.length; i++) {
            Onnx.TensorProto piece = graph.initializer(concat.getInput(i));
            out[i] = piece != null && Nodes.size(piece) == 1 ? Nodes.longs(piece)[0] : -1;
        }
        return out;
    }

    private record Linear(INDArray w, INDArray b, String out) { }

    /** A MatMul (or Gemm) of an activation with a 2-D FLOAT initializer. */
    private boolean isLinear(Onnx.NodeProto n) {
        if (!n.getOpType().equals("MatMul") && !n.getOpType().equals("Gemm")) {
            return false;
        }
        Onnx.TensorProto w = n.getInputCount() > 1 ? graph.initializer(n.getInput(1)) : null;
        return w != null && w.getDimsCount() == 2 && w.getDataType() == Onnx.TensorProto.DataType.FLOAT.getNumber()
                && graph.initializer(n.getInput(0)) == null;
    }

    /** Weight {@code [in, out]} and bias {@code [1, out]} of a linear node (MatMul + Add of a vector, or Gemm). */
    private Linear linear(Onnx.NodeProto n) throws NotRecognizedException {
        INDArray w = matrix(n.getInput(1));
        if (n.getOpType().equals("Gemm")) {
            if (Nodes.intAttribute(n, "transA", 0) != 0 || Nodes.floatAttribute(n, "alpha", 1f) != 1f
                    || Nodes.floatAttribute(n, "beta", 1f) != 1f) {
                throw notRecognized("Gemm '" + n.getName() + "' with transA, alpha or beta other than 0, 1, 1");
            }
            if (Nodes.intAttribute(n, "transB", 0) != 0) {
                w = w.transpose().dup('c');
            }
            INDArray b = n.getInputCount() > 2 ? vector(n.getInput(2)).reshape(1, w.size(1)) : Nd4j.zeros(DataType.FLOAT, 1, w.size(1));
            return new Linear(w, b, n.getOutput(0));
        }
        List<Onnx.NodeProto> readers = graph.consumers(n.getOutput(0));
        if (readers.size() == 1 && readers.get(0).getOpType().equals("Add")) {
            String other = other(readers.get(0), n.getOutput(0));
            Onnx.TensorProto bias = graph.initializer(other);
            if (bias != null && Nodes.size(bias) == w.size(1)) {
                return new Linear(w, vector(other).reshape(1, w.size(1)), readers.get(0).getOutput(0));
            }
        }
        return new Linear(w, Nd4j.zeros(DataType.FLOAT, 1, w.size(1)), n.getOutput(0));
    }

    private void put(String name, Linear l) {
        weights.put(name + "_w", l.w());
        weights.put(name + "_b", l.b());
    }

    /** The first node of type {@code op} downstream of {@code tensor} (breadth first, at most {@code depth} nodes deep). */
    private Onnx.NodeProto downstream(String tensor, String op, int depth) {
        return downstreamWhere(tensor, n -> n.getOpType().equals(op), depth);
    }

    private Onnx.NodeProto downstreamWhere(String tensor, java.util.function.Predicate<Onnx.NodeProto> match, int depth) {
        Deque<String> frontier = new ArrayDeque<>(List.of(tensor));
        Set<String> seen = new HashSet<>();
        for (int d = 0; d < depth && !frontier.isEmpty(); d++) {
            Deque<String> next = new ArrayDeque<>();
            for (String t : frontier) {
                for (Onnx.NodeProto n : graph.consumers(t)) {
                    if (n.getOpType().equals("Shape")) {
                        continue;
                    }
                    if (match.test(n)) {
                        return n;
                    }
                    if (seen.add(n.getName() + "|" + n.getOutput(0))) {
                        next.addAll(n.getOutputList());
                    }
                }
            }
            frontier = next;
        }
        return null;
    }

    /** The feed-forward output projection after {@code tensor}, collecting the op types passed on the way. */
    private Onnx.NodeProto downstreamCollecting(String tensor, Set<String> ops, int depth) {
        Deque<String> frontier = new ArrayDeque<>(List.of(tensor));
        for (int d = 0; d < depth && !frontier.isEmpty(); d++) {
            Deque<String> next = new ArrayDeque<>();
            for (String t : frontier) {
                for (Onnx.NodeProto n : graph.consumers(t)) {
                    if (isLinear(n)) {
                        return n;
                    }
                    if (!n.getOpType().equals("Shape")) {
                        ops.add(n.getOpType());
                        next.addAll(n.getOutputList());
                    }
                }
            }
            frontier = next;
        }
        return null;
    }

    /** Walks up from the Softmax input through scaling and masking to the scores MatMul. */
    private Onnx.NodeProto upstreamMatMul(String tensor) {
        String t = tensor;
        for (int i = 0; i < 8; i++) {
            Onnx.NodeProto n = graph.producer(t);
            if (n == null) {
                return null;
            }
            if (n.getOpType().equals("MatMul") && graph.initializer(n.getInput(0)) == null && graph.initializer(n.getInput(1)) == null) {
                return n;
            }
            // follow the operand that is itself computed from a MatMul (the other one is the mask or a constant)
            String next = null;
            for (String in : n.getInputList()) {
                if (graph.initializer(in) == null && dependsOnMatMul(in)) {
                    next = in;
                    break;
                }
            }
            if (next == null) {
                return null;
            }
            t = next;
        }
        return null;
    }

    private boolean dependsOnMatMul(String tensor) {
        Deque<String> todo = new ArrayDeque<>(List.of(tensor));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty() && seen.size() < 64) {
            String t = todo.pop();
            Onnx.NodeProto p = graph.producer(t);
            if (p == null || !seen.add(t) || p.getOpType().equals("Shape")) {
                continue;
            }
            if (p.getOpType().equals("MatMul")) {
                return true;
            }
            todo.addAll(p.getInputList());
        }
        return false;
    }

    /** Which of the projections {@code tensor} is computed from (walking up; null if none or several). */
    private Linear reaches(String tensor, Map<String, Linear> projections) {
        Deque<String> todo = new ArrayDeque<>(List.of(tensor));
        Set<String> seen = new HashSet<>();
        Linear found = null;
        while (!todo.isEmpty() && seen.size() < 256) {
            String t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (projections.containsKey(t)) {
                if (found != null && found != projections.get(t)) {
                    return null;
                }
                found = projections.get(t);
                continue;
            }
            Onnx.NodeProto p = graph.producer(t);
            if (p != null && !p.getOpType().equals("Shape")) {
                todo.addAll(p.getInputList());
            }
        }
        return found;
    }

    private Onnx.NodeProto single(String tensor, String op, String what) throws NotRecognizedException {
        List<Onnx.NodeProto> readers = graph.consumers(tensor);
        if (readers.size() != 1 || !readers.get(0).getOpType().equals(op)) {
            throw notRecognized(what + ": expected one " + op + " reading " + tensor);
        }
        return readers.get(0);
    }

    private static String other(Onnx.NodeProto binary, String known) {
        return binary.getInput(0).equals(known) ? binary.getInput(1) : binary.getInput(0);
    }

    private INDArray matrix(String name) throws NotRecognizedException {
        Onnx.TensorProto t = graph.initializer(name);
        if (t == null || t.getDimsCount() != 2 || t.getDataType() != Onnx.TensorProto.DataType.FLOAT.getNumber()) {
            throw notRecognized("'" + name + "' is not a 2-D FLOAT initializer");
        }
        return Nd4j.create(Nodes.floats(t), new long[] {t.getDims(0), t.getDims(1)}, 'c');
    }

    private INDArray vector(String name) throws NotRecognizedException {
        Onnx.TensorProto t = graph.initializer(name);
        if (t == null || t.getDataType() != Onnx.TensorProto.DataType.FLOAT.getNumber()) {
            throw notRecognized("'" + name + "' is not a FLOAT initializer");
        }
        float[] v = Nodes.floats(t);
        return Nd4j.create(v, new long[] {v.length}, 'c');
    }

    private NotRecognizedException notRecognized(String why) {
        return new NotRecognizedException(file + ": " + why);
    }
}
