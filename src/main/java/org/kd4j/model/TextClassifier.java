package org.kd4j.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.kd4j.KdException;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.util.AtomicFiles;
import org.kd4j.util.Hashing;
import org.kd4j.util.NamedArrays;
import org.kd4j.util.Parallelism;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A classifier: its SameDiff graph, built natively from a {@link ModelConfig}, and its embedding tables.
 *
 * <p>A model file ({@link #save}) holds the config and every parameter by name; {@link #load} rebuilds the graph
 * from the config and fills it, which is fast and avoids M2.1's SameDiff deserialiser (it cannot read back graphs
 * with LSTM layers). {@link #exportSameDiff} writes the graph itself, weights and embedding tables included, for
 * SameDiff users. Prediction is synchronised: one instance may be shared by threads.
 */
public final class TextClassifier {

    private static final String MAGIC = "kd4j-model-v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelConfig config;
    private final ClassifierGraph graph;
    private final EmbeddingLayer embeddings;
    /** Second inference worker (see {@link #logits(Batch)}). */
    private TextClassifier inferenceReplica;
    private java.util.concurrent.ExecutorService inferenceThread;
    private boolean noReplica;
    /** The ONNX file of an {@link ModelType#IMPORTED} model; null for native models. */
    private final ImportedSource source;
    /** Keeps this model's inference sessions' array caches small (see {@link InferenceMemory}). */
    private final org.kd4j.model.memory.InferenceMemory inferenceMemory = new org.kd4j.model.memory.InferenceMemory();
    /** The dropout mask of the last training {@link #feed}, for its backward pass; null when nothing was dropped. */
    private INDArray inputMask;

    private TextClassifier(ModelConfig config, ClassifierGraph graph, EmbeddingLayer embeddings, ImportedSource source) {
        this.config = config;
        this.graph = graph;
        this.embeddings = embeddings;
        this.source = source;
    }

    /** The model file's header ({@code source} only for imported models, so native files are unchanged). */
    private record Header(ModelConfig model, int vocabSize, int outputs,
                          @JsonInclude(JsonInclude.Include.NON_NULL) ImportedSource source) {}

    /**
     * A freshly initialised model.
     *
     */
    public static TextClassifier create(ModelConfig config, int vocabSize, int outputs, long seed) {
        ClassifierGraph graph = ClassifierGraphs.build(config, outputs, DataType.FLOAT, seed);
        int positions = config instanceof TransformerConfig t ? t.maxPositions() : 0;
        EmbeddingLayer embeddings = new EmbeddingLayer(vocabSize, positions, 2, config.embeddingWidth(), DataType.FLOAT, seed + 101);
        embeddings.parameters().forEach((name, table) -> graph.sd().var(name, table));
        return new TextClassifier(config, graph, embeddings, null);
    }

    /**
     * A native model of shape {@code config} whose parameters named in {@code weights} take those values (an encoder's
     * weights loaded from an export); the others (typically a fresh head) keep their seeded initialisation. Embedding
     * tables go by {@link EmbeddingLayer}'s names: {@link EmbeddingLayer#TOKENS} is required and fixes the vocabulary; a
     * missing token-type table is all zeros (adds nothing), as for encoders without segments.
     *
     * @throws IllegalArgumentException naming the weight when a name is unknown or a shape differs
     */
    public static TextClassifier fromWeights(ModelConfig config, Map<String, INDArray> weights, int outputs, long seed) {
        INDArray tokens = weights.get(EmbeddingLayer.TOKENS);
        if (tokens == null || tokens.rank() != 2) {
            throw new IllegalArgumentException("weights: expected the token embedding table " + EmbeddingLayer.TOKENS
                    + " [vocab, hidden], found " + (tokens == null ? "none" : java.util.Arrays.toString(tokens.shape())));
        }
        TextClassifier model = create(config, (int) tokens.size(0), outputs, seed);
        Map<String, INDArray> target = model.parameters();
        if (!weights.containsKey(EmbeddingLayer.TYPES) && target.containsKey(EmbeddingLayer.TYPES)) {
            target.get(EmbeddingLayer.TYPES).assign(0);
        }
        for (Map.Entry<String, INDArray> e : weights.entrySet()) {
            INDArray into = target.get(e.getKey());
            if (into == null) {
                throw new IllegalArgumentException("weight " + e.getKey() + ": the " + config.type() + " model has no such parameter"
                        + " (it has " + target.keySet() + ")");
            }
            INDArray value = e.getValue();
            if (value.length() != into.length() || (value.rank() == into.rank() && !java.util.Arrays.equals(value.shape(), into.shape()))) {
                throw new IllegalArgumentException("weight " + e.getKey() + ": shape " + java.util.Arrays.toString(value.shape())
                        + ", the model expects " + java.util.Arrays.toString(into.shape()));
            }
            into.assign(value.reshape(into.shape()).castTo(into.dataType()));
        }
        return model;
    }

    /**
     * A model whose graph was built elsewhere (an imported encoder under the {@link ClassifierGraph} contract, its
     * embedding tables already variables of the graph); {@code source} names the export it is rebuilt from when loaded
     * (through the {@link ImportedGraphLoader} on the classpath).
     */
    public static TextClassifier ofImportedGraph(ClassifierGraph graph, EmbeddingLayer embeddings, ModelConfig config, ImportedSource source) {
        if (config.type() != ModelType.IMPORTED || source == null) {
            throw new IllegalArgumentException("an imported graph needs model type IMPORTED and its source, got " + config.type() + ", " + source);
        }
        return new TextClassifier(config, graph, embeddings, source);
    }

    /**
     * A second graph of the same model that shares every parameter array and the embedding tables with this one, for
     * a second training worker (its own {@code embeddings} input, sessions and gradients). Native models only; empty
     * for imported ones.
     */
    public java.util.Optional<TextClassifier> replica() {
        if (source != null) {
            return java.util.Optional.empty();
        }
        ClassifierGraph built = ClassifierGraphs.build(config, outputs(), DataType.FLOAT, 0);
        ClassifierGraph copy = graph.recurrent() == null ? built : built.withRecurrent(graph.recurrent().sharing());
        embeddings.parameters().forEach((name, table) -> copy.sd().var(name, table));
        // SameDiff's default holder gives each thread its own copy of the variables, and setArray copies: a holder
        // that keeps references makes the replica read the very arrays this model's optimizer updates in place
        org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder shared = new org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder();
        org.nd4j.autodiff.samediff.ArrayHolder own = copy.sd().getVariablesArrays();
        for (String name : own.arrayNames()) {
            shared.setArray(name, own.getArray(name));
        }
        for (String name : graph.trainableVariables()) {
            if (!EmbeddingLayer.isTable(name)) {
                shared.setArray(name, graph.sd().getVariable(name).getArr());
            }
        }
        copy.sd().setVariablesArrays(shared);
        return java.util.Optional.of(new TextClassifier(config, copy, embeddings, null));
    }

    /** The ONNX file an imported model was built from; empty for native models. */
    public Optional<ImportedSource> source() {
        return Optional.ofNullable(source);
    }

    /** Loads a model saved by {@link #save}; errors name the file and what is wrong with it. */
    public static TextClassifier load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new KdException(file + ": model file not found");
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            String magic;
            try {
                magic = in.readUTF();
            } catch (IOException e) {
                magic = "";
            }
            if (!MAGIC.equals(magic)) {
                throw new KdException(file + ": not a kd4j model file (expected header '" + MAGIC + "')");
            }
            Header header = JSON.readValue(in.readUTF(), Header.class);
            Map<String, INDArray> saved = NamedArrays.read(in);
            TextClassifier model = header.model().type() == ModelType.IMPORTED
                    ? fromSource(file, header) : create(header.model(), header.vocabSize(), header.outputs(), 0);
            Map<String, INDArray> target = model.parameters();
            // files written before the embeddings LayerNorm was a parameter lack it: it then keeps its initial 1 / 0
            java.util.Set<String> missing = new java.util.HashSet<>(target.keySet());
            missing.removeAll(saved.keySet());
            if (missing.equals(java.util.Set.of("emb_ln_g", "emb_ln_b"))) {
                target.keySet().removeAll(missing);
            }
            if (!target.keySet().equals(saved.keySet())) {
                throw new KdException(file + ": parameters " + saved.keySet() + " do not match the model's " + target.keySet());
            }
            for (Map.Entry<String, INDArray> e : target.entrySet()) {
                INDArray value = saved.get(e.getKey());
                if (!java.util.Arrays.equals(value.shape(), e.getValue().shape())) {
                    throw new KdException(file + ": parameter " + e.getKey() + " has shape "
                            + java.util.Arrays.toString(value.shape()) + ", expected " + java.util.Arrays.toString(e.getValue().shape()));
                }
                e.getValue().assign(value);
            }
            return model;
        } catch (IOException | RuntimeException e) {
            if (e instanceof KdException k) {
                throw k;
            }
            throw new KdException(file + ": unreadable model file (" + e + ")", e);
        }
    }

    private static TextClassifier fromSource(Path file, Header header) {
        ImportedSource src = header.source();
        if (src == null) {
            throw new KdException(file + ": an imported model file without its ONNX source (field 'source')");
        }
        Path onnx = Path.of(src.path());
        if (!Files.isRegularFile(onnx)) {
            throw new KdException(file + ": the ONNX encoder it was built from is missing: " + onnx);
        }
        String sha = Hashing.fileHex("ONNX model", onnx);
        if (!sha.equals(src.sha256())) {
            throw new KdException(file + ": the ONNX encoder " + onnx + " changed since the model was saved (sha256 "
                    + sha + ", expected " + src.sha256() + ")");
        }
        ImportedGraphLoader loader = java.util.ServiceLoader.load(ImportedGraphLoader.class).findFirst()
                .orElseThrow(() -> new KdException(file + ": a model imported from " + onnx + "; rebuilding it needs kd4j's"
                        + " model import on the classpath (no " + ImportedGraphLoader.class.getName() + " found)"));
        return loader.rebuild(src, header.outputs());
    }

    /** Writes config and parameters atomically to one file (read back by {@link #load}). */
    public synchronized void save(Path file) {
        try {
            AtomicFiles.write(file, out -> {
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
                data.writeUTF(MAGIC);
                data.writeUTF(JSON.writeValueAsString(new Header(config, embeddings.vocabSize(), outputs(), source)));
                NamedArrays.write(data, parameters());
                data.flush();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("saving model to " + file, e);
        }
    }

    /** Writes the SameDiff graph (weights and embedding tables included) atomically, for use with SameDiff directly. */
    public synchronized void exportSameDiff(Path file) {
        SameDiff whole = graph.recurrent() == null ? graph.sd() : wholeGraph();
        try {
            AtomicFiles.write(file, out -> whole.save(out, false));
        } catch (IOException e) {
            throw new UncheckedIOException("saving SameDiff graph to " + file, e);
        }
    }

    /**
     * For a model with a recurrent layer outside its graph (BiLSTM), the whole model as one SameDiff graph with M2.1's
     * own LSTM ops (what {@link #exportSameDiff} writes); its weights and embedding tables are copies.
     */
    SameDiff wholeGraph() {
        SameDiff whole = BiLstmGraph.whole((BiLstmConfig) config, outputs(), graph.recurrent(), graph.sd());
        embeddings.parameters().forEach((name, table) -> whole.var(name, table.dup()));
        return whole;
    }

    public ModelConfig config() {
        return config;
    }

    public ClassifierGraph graph() {
        return graph;
    }

    public SameDiff sd() {
        return graph.sd();
    }

    public EmbeddingLayer embeddings() {
        return embeddings;
    }

    public int outputs() {
        return graph.outputs();
    }

    /**
     * Starts a fresh regression head at the training scores' mean: sets the head's bias ({@link ClassifierGraph#HEAD_BIAS})
     * to {@code mean} when the model has one output and that bias is still at its zero initialisation. A head that
     * starts at 0 on scores of 0 to 5 (STS-B) spends its first steps learning the mean, and at a fine-tuning learning rate
     * AdamW moves the bias by only about the learning rate a step (0.03 in 540 steps at 5e-5), so the encoder is pushed
     * to shift every example's representation by one common direction instead. Started at the mean, the head's
     * residuals average zero from step one.
     *
     * @return whether the bias was set (false: a classifier, a trained head, or a graph imported as it is without the
     *     native head)
     * @throws IllegalArgumentException when {@code mean} is not finite
     */
    public synchronized boolean centreRegressionHead(double mean) {
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("the regression head's starting bias must be finite, got " + mean);
        }
        if (outputs() != 1 || !graph.sd().hasVariable(ClassifierGraph.HEAD_BIAS)) {
            return false;
        }
        INDArray bias = graph.sd().getVariable(ClassifierGraph.HEAD_BIAS).getArr();
        if (bias == null || bias.length() != 1 || bias.getDouble(0) != 0.0) {
            return false;
        }
        bias.assign(mean);
        return true;
    }

    /**
     * Every trainable array by name: graph weights, the weights of the recurrent layer outside the graph (BiLSTM) and
     * embedding tables (the same arrays the model computes with).
     */
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (String name : graph.trainableVariables()) {
            if (!EmbeddingLayer.isTable(name)) {
                params.put(name, graph.sd().getVariable(name).getArr());
            }
        }
        if (graph.recurrent() != null) {
            params.putAll(graph.recurrent().parameters());
        }
        params.putAll(embeddings.parameters());
        return params;
    }

    /**
     * Feeds a batch for inference: sets the embeddings variable (for a BiLSTM, to the states of its recurrent layer over
     * the embeddings) and returns the mask placeholder map. Nothing is dropped.
     */
    public Map<String, INDArray> feed(Batch batch) {
        return feed(batch, InputDropout.NONE, 0, 0);
    }

    /**
     * Feeds a batch, or part of one, for a training step: as {@link #feed(Batch)}, with {@code dropout}'s mask for this
     * step applied to the summed embeddings (before a BiLSTM's recurrent layer): the mask's rows from {@code firstRow},
     * the part's first row in the whole batch. The recurrent layer's states and the mask are kept for
     * {@link #backThroughInputs}.
     */
    public Map<String, INDArray> feed(Batch batch, InputDropout dropout, long step, int firstRow) {
        INDArray input = embeddings.forward(batch);
        inputMask = null;
        if (dropout.active()) {
            inputMask = dropout.mask(step, firstRow, input.dataType(), input.shape());
            input.muli(inputMask);
        }
        if (graph.recurrent() != null) {
            int[] lengths = new int[batch.size()];
            int[] mask = batch.attentionMask();
            for (int i = 0; i < mask.length; i++) {
                lengths[i / batch.length()] += mask[i];
            }
            input = graph.recurrent().forward(input, lengths);
        }
        graph.sd().getVariable(ClassifierGraph.EMBEDDINGS).setArray(input);
        Map<String, INDArray> placeholders = new LinkedHashMap<>();
        placeholders.put(ClassifierGraph.MASK, batch.matrix(batch.attentionMask()).castTo(DataType.FLOAT));
        return placeholders;
    }

    /**
     * The gradients of the model's parameters from those of the graph after {@link #feed} and a gradient calculation,
     * with {@link ClassifierGraph#EMBEDDINGS} the gradient of the summed embeddings: for a model with a recurrent layer
     * outside the graph (BiLSTM), the graph's gradient of that layer's output is backpropagated through it, giving its
     * weights' gradients; the dropout mask of the last {@link #feed}, if any, multiplies the embeddings' gradient. The
     * layer's arrays stay valid until the next {@link #feed} of this model.
     */
    public Map<String, INDArray> backThroughInputs(Map<String, INDArray> graphGradients) {
        if (graph.recurrent() == null && inputMask == null) {
            return graphGradients;
        }
        Map<String, INDArray> all = new LinkedHashMap<>(graphGradients);
        if (graph.recurrent() != null) {
            BiLstm.Gradients g = graph.recurrent().backward(graphGradients.get(ClassifierGraph.EMBEDDINGS));
            all.putAll(g.weights());
            all.put(ClassifierGraph.EMBEDDINGS, g.input());
        }
        if (inputMask != null) {
            all.get(ClassifierGraph.EMBEDDINGS).muli(inputMask);
        }
        return all;
    }

    /** Logits of a batch, one row per example in batch order, computed on the caller's thread. */
    public float[][] logits(Batch batch) {
        return logits(batch, Parallelism.sequential());
    }

    /**
     * Logits of a batch, one row per example in batch order. With two or more {@link Parallelism#workers()}, a batch of
     * enough work ({@link Parallelism#worthSplitting}: 2 x {@value Parallelism#MIN_TOKENS_PER_WORKER} padded tokens at
     * hidden 256) is split in two halves computed at the same time, the second on a replica of this model.
     */
    public synchronized float[][] logits(Batch batch, Parallelism parallelism) {
        return rows(batch, parallelism, ClassifierGraph.LOGITS).get(ClassifierGraph.LOGITS);
    }

    /**
     * The rows of the graph's outputs {@code outputs} ({@link ClassifierGraph#LOGITS}, {@link ClassifierGraph#FEATURES})
     * on a batch, one per example in batch order, as float, all from one forward pass. With two or more
     * {@link Parallelism#workers()}, a batch of enough work ({@link Parallelism#worthSplitting}) is split in two halves
     * computed at the same time, the second on a replica of this model.
     */
    private synchronized Map<String, float[][]> rows(Batch batch, Parallelism parallelism, String... outputs) {
        if (parallelism.workers() < 2 || batch.size() < 2
                || !Parallelism.worthSplitting((long) batch.size() * batch.length(), config.hidden(), 2)
                || inferenceReplica() == null) {
            return rowsHere(batch, outputs);
        }
        int half = batch.size() / 2;
        java.util.concurrent.Future<Map<String, float[][]>> second =
                inferenceThread.submit(() -> inferenceReplica.rowsHere(batch.rows(half, batch.size()), outputs));
        Map<String, float[][]> first = rowsHere(batch.rows(0, half), outputs);
        Map<String, float[][]> rest;
        try {
            rest = second.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the inference worker", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException("inference worker failed", e.getCause());
        }
        Map<String, float[][]> all = new LinkedHashMap<>();
        for (String output : outputs) {
            float[][] joined = java.util.Arrays.copyOf(first.get(output), batch.size());
            System.arraycopy(rest.get(output), 0, joined, half, batch.size() - half);
            all.put(output, joined);
        }
        return all;
    }

    private Map<String, float[][]> rowsHere(Batch batch, String... outputs) {
        Map<String, INDArray> feed = feed(batch);
        Map<String, INDArray> out = run(() -> graph.sd().output(feed, outputs));
        inferenceMemory.bound(graph.sd());
        Map<String, float[][]> rows = new LinkedHashMap<>();
        for (String output : outputs) {
            rows.put(output, out.get(output).castTo(DataType.FLOAT).toFloatMatrix());
        }
        return rows;
    }

    /**
     * Named outputs of the graph on a batch ({@link ClassifierGraph#LOGITS}, and for transformers
     * {@link ClassifierGraph#HIDDEN_STATES} or {@link ClassifierGraph#POOLED}); on this thread, without splitting.
     */
    public synchronized Map<String, INDArray> outputs(Batch batch, String... names) {
        Map<String, INDArray> feed = feed(batch);
        Map<String, INDArray> out = run(() -> graph.sd().output(feed, names));
        inferenceMemory.bound(graph.sd());
        return out;
    }

    /**
     * Stops the inference worker thread if one was started ({@link #logits(Batch)} on a long batch) and drops the
     * graph's inference sessions with the arrays they cache. The model stays usable: both come back when needed.
     */
    public synchronized void release() {
        if (inferenceThread != null) {
            inferenceThread.shutdown();
            inferenceThread = null;
        }
        if (inferenceReplica != null) {
            inferenceReplica.release();
            inferenceReplica = null;
        }
        inferenceMemory.release(graph.sd());
    }

    /** Whether a batch was ever split over two inference workers (for tests). */
    boolean splitInference() {
        return inferenceReplica != null;
    }

    /** The replica for the second inference half (made on first use; null for models that cannot be replicated). */
    private TextClassifier inferenceReplica() {
        if (inferenceReplica == null && !noReplica) {
            java.util.Optional<TextClassifier> r = replica();
            noReplica = r.isEmpty();
            if (r.isPresent()) {
                inferenceReplica = r.get();
                inferenceThread = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
                    Thread t = new Thread(task, "kd4j inference worker");
                    t.setDaemon(true);
                    return t;
                });
            }
        }
        return inferenceReplica;
    }

    /**
     * Runs graph work of this model. (BiLSTM graphs ran without platform helpers while they held M2.1's
     * {@code lstmLayer}, which fails in the oneDNN build; their LSTM now runs outside the graph, see {@link BiLstm}.)
     */
    public <T> T run(java.util.function.Supplier<T> graphWork) {
        return graphWork.get();
    }

    /** {@link #logits(EncodedDataset, int, int, Parallelism)} on the caller's thread alone. */
    public float[][] logits(EncodedDataset data, int batchSize, int padId) {
        return logits(data, batchSize, padId, Parallelism.sequential());
    }

    /**
     * Logits of every example of {@code data}, in data order (batches sorted by length for speed). The inference
     * sessions' array caches are freed after the pass: a dev evaluation between training epochs would otherwise keep
     * up to {@link org.kd4j.model.memory.InferenceMemory#CACHE_BYTES} per session (this model's and its replica's)
     * resident beside the training step's arrays. Batches are split over {@code parallelism}'s workers as in
     * {@link #logits(Batch, Parallelism)}.
     */
    public float[][] logits(EncodedDataset data, int batchSize, int padId, Parallelism parallelism) {
        return rows(data, batchSize, padId, parallelism, ClassifierGraph.LOGITS).get(ClassifierGraph.LOGITS);
    }

    /** {@link #features(EncodedDataset, int, int, Parallelism)} on the caller's thread alone. */
    public float[][] features(EncodedDataset data, int batchSize, int padId) {
        return features(data, batchSize, padId, Parallelism.sequential());
    }

    /**
     * The pooled representation {@link ClassifierGraph#FEATURES} of every example of {@code data}, in data order
     * ({@code [N][width]}), batches sorted by length and split over {@code parallelism}'s workers as the logits' are
     * ({@link #logits(EncodedDataset, int, int, Parallelism)}).
     *
     * @throws IllegalStateException when the graph has no pooled representation (a graph imported as it is)
     */
    public float[][] features(EncodedDataset data, int batchSize, int padId, Parallelism parallelism) {
        requireFeatures();
        return rows(data, batchSize, padId, parallelism, ClassifierGraph.FEATURES).get(ClassifierGraph.FEATURES);
    }

    /**
     * The logits and the pooled representations of every example of {@code data} from one forward pass over it (the
     * pooled representation is on the way to the logits), in data order, batches as in
     * {@link #logits(EncodedDataset, int, int, Parallelism)}.
     *
     * @throws IllegalStateException when the graph has no pooled representation (a graph imported as it is)
     */
    public Scores logitsAndFeatures(EncodedDataset data, int batchSize, int padId, Parallelism parallelism) {
        requireFeatures();
        Map<String, float[][]> out = rows(data, batchSize, padId, parallelism, ClassifierGraph.LOGITS, ClassifierGraph.FEATURES);
        return new Scores(out.get(ClassifierGraph.LOGITS), out.get(ClassifierGraph.FEATURES));
    }

    /**
     * A model's logits ({@code [N][outputs]}) and pooled representations ({@code [N][width]}) of the same rows.
     *
     * @param logits one row per example
     * @param features one row per example, in the same order
     */
    public record Scores(float[][] logits, float[][] features) {
        public Scores {
            java.util.Objects.requireNonNull(logits, "logits");
            java.util.Objects.requireNonNull(features, "features");
            if (logits.length != features.length) {
                throw new IllegalArgumentException(logits.length + " rows of logits, " + features.length + " of features");
            }
        }
    }

    private void requireFeatures() {
        if (!graph.hasFeatures()) {
            throw new IllegalStateException("this " + config.type() + " model's graph has no pooled representation ("
                    + ClassifierGraph.FEATURES + ")");
        }
    }

    /**
     * The rows of {@code outputs} for every example of {@code data}, in data order, from one pass; the inference memory
     * freed after.
     */
    private Map<String, float[][]> rows(EncodedDataset data, int batchSize, int padId, Parallelism parallelism,
                                        String... outputs) {
        Map<String, float[][]> out = new LinkedHashMap<>();
        for (String output : outputs) {
            out.put(output, new float[data.size()][]);
        }
        BatchPlanner planner = new BatchPlanner(batchSize, true, 1, 0);
        try {
            for (int[] indices : planner.evaluationOrder(data.lengths())) {
                Map<String, float[][]> rows = rows(Batch.of(data, indices, 0, padId), parallelism, outputs);
                for (String output : outputs) {
                    float[][] batchRows = rows.get(output);
                    float[][] all = out.get(output);
                    for (int i = 0; i < indices.length; i++) {
                        all[indices[i]] = batchRows[i];
                    }
                }
            }
        } finally {
            releaseInferenceMemory();
        }
        return out;
    }

    /**
     * Frees the arrays the inference sessions of this model (and of its inference replica) keep for reuse, and those a
     * recurrent layer outside the graph kept of its last batch. Not while a training step of this model is under way.
     */
    public synchronized void releaseInferenceMemory() {
        inferenceMemory.release(graph.sd());
        if (graph.recurrent() != null) {
            graph.recurrent().close(); // the last batch's activations
        }
        if (inferenceReplica != null) {
            inferenceReplica.releaseInferenceMemory();
        }
    }

    /** The logits variable of the graph. */
    public SDVariable logitsVariable() {
        return graph.logits();
    }
}
