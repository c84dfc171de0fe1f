package org.kd4j.model;

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
import org.kd4j.KdException;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.util.AtomicFiles;
import org.kd4j.util.NamedArrays;
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

    private TextClassifier(ModelConfig config, ClassifierGraph graph, EmbeddingLayer embeddings) {
        this.config = config;
        this.graph = graph;
        this.embeddings = embeddings;
    }

    /** The model file's header. */
    private record Header(ModelConfig model, int vocabSize, int outputs) {}

    /**
     * A freshly initialised model.
     *
     */
    public static TextClassifier create(ModelConfig config, int vocabSize, int outputs, long seed) {
        ClassifierGraph graph = ClassifierGraphs.build(config, outputs, DataType.FLOAT, seed);
        int positions = config.type() == ModelType.TRANSFORMER ? config.maxPositions() : 0;
        EmbeddingLayer embeddings = new EmbeddingLayer(vocabSize, positions, 2, config.hidden(), DataType.FLOAT, seed + 101);
        embeddings.parameters().forEach((name, table) -> graph.sd().var(name, table));
        return new TextClassifier(config, graph, embeddings);
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
            TextClassifier model = create(header.model(), header.vocabSize(), header.outputs(), 0);
            Map<String, INDArray> target = model.parameters();
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

    /** Writes config and parameters atomically to one file (read back by {@link #load}). */
    public synchronized void save(Path file) {
        try {
            AtomicFiles.write(file, out -> {
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
                data.writeUTF(MAGIC);
                data.writeUTF(JSON.writeValueAsString(new Header(config, embeddings.vocabSize(), outputs())));
                NamedArrays.write(data, parameters());
                data.flush();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("saving model to " + file, e);
        }
    }

    /** Writes the SameDiff graph (weights and embedding tables included) atomically, for use with SameDiff directly. */
    public synchronized void exportSameDiff(Path file) {
        try {
            AtomicFiles.write(file, out -> graph.sd().save(out, false));
        } catch (IOException e) {
            throw new UncheckedIOException("saving SameDiff graph to " + file, e);
        }
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

    /** Every trainable array by name: graph weights and embedding tables (the same arrays the graph uses). */
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (String name : graph.trainableVariables()) {
            if (!name.startsWith("emb_")) {
                params.put(name, graph.sd().getVariable(name).getArr());
            }
        }
        params.putAll(embeddings.parameters());
        return params;
    }

    /** Feeds a batch: sets the embeddings variable and returns the mask placeholder map. */
    public Map<String, INDArray> feed(Batch batch) {
        graph.sd().getVariable(ClassifierGraph.EMBEDDINGS).setArray(embeddings.forward(batch));
        Map<String, INDArray> placeholders = new LinkedHashMap<>();
        placeholders.put(ClassifierGraph.MASK, batch.matrix(batch.attentionMask()).castTo(DataType.FLOAT));
        return placeholders;
    }

    /** Logits of a batch, one row per example in batch order. */
    public synchronized float[][] logits(Batch batch) {
        Map<String, INDArray> feed = feed(batch);
        INDArray out = graph.sd().output(feed, ClassifierGraph.LOGITS).get(ClassifierGraph.LOGITS);
        return out.castTo(DataType.FLOAT).toFloatMatrix();
    }

    /** Logits of every example of {@code data}, in data order (batches sorted by length for speed). */
    public float[][] logits(EncodedDataset data, int batchSize, int padId) {
        float[][] out = new float[data.size()][];
        BatchPlanner planner = new BatchPlanner(batchSize, true, 1, 0);
        for (int[] indices : planner.evaluationOrder(data.lengths())) {
            float[][] rows = logits(Batch.of(data, indices, 0, padId));
            for (int i = 0; i < indices.length; i++) {
                out[indices[i]] = rows[i];
            }
        }
        return out;
    }

    /** The logits variable of the graph. */
    public SDVariable logitsVariable() {
        return graph.logits();
    }
}
