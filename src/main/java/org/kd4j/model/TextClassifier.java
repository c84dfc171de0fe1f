package org.kd4j.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kd4j.KdException;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.util.AtomicFiles;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A classifier: its SameDiff graph and its embedding tables, kept in one SameDiff file (the tables are stored as
 * graph variables that no op reads, so the file is self-contained). Prediction is synchronised: one instance
 * may be shared by threads.
 */
public final class TextClassifier {

    private final ClassifierGraph graph;
    private final EmbeddingLayer embeddings;

    private TextClassifier(ClassifierGraph graph, EmbeddingLayer embeddings) {
        this.graph = graph;
        this.embeddings = embeddings;
    }

    /**
     * A freshly initialised model.
     *
     */
    public static TextClassifier create(ModelConfig config, int vocabSize, int outputs, long seed) {
        ClassifierGraph graph = ClassifierGraphs.build(config, outputs, DataType.FLOAT, seed);
        int positions = config.type() == ModelType.TRANSFORMER ? config.maxPositions() : 0;
        EmbeddingLayer embeddings = new EmbeddingLayer(vocabSize, positions, 2, config.hidden(), DataType.FLOAT, seed + 101);
        embeddings.parameters().forEach((name, table) -> graph.sd().var(name, table));
        return new TextClassifier(graph, embeddings);
    }

    /** Loads a model saved by {@link #save}. */
    public static TextClassifier load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new KdException(file + ": model file not found");
        }
        SameDiff sd;
        try {
            sd = SameDiff.load(file.toFile(), false);
        } catch (RuntimeException e) {
            throw new KdException(file + ": not a readable SameDiff model file (" + e.getMessage() + ")", e);
        }
        for (String required : List.of(ClassifierGraph.LOGITS, ClassifierGraph.MASK, ClassifierGraph.EMBEDDINGS,
                EmbeddingLayer.TOKENS)) {
            if (!sd.hasVariable(required)) {
                throw new KdException(file + ": not a kd4j classifier: the graph has no variable '" + required + "'");
            }
        }
        Map<String, INDArray> tables = new LinkedHashMap<>();
        for (String name : List.of(EmbeddingLayer.TOKENS, EmbeddingLayer.POSITIONS, EmbeddingLayer.TYPES)) {
            if (sd.hasVariable(name)) {
                tables.put(name, sd.getVariable(name).getArr());
            }
        }
        int outputs = (int) sd.getVariable("classifier_b").getArr().size(1);
        return new TextClassifier(new ClassifierGraph(sd, outputs), new EmbeddingLayer(tables));
    }

    /** Writes the model (graph, weights, embedding tables) atomically to one SameDiff file. */
    public synchronized void save(Path file) {
        try {
            AtomicFiles.write(file, out -> graph.sd().save(out, false));
        } catch (IOException e) {
            throw new UncheckedIOException("saving model to " + file, e);
        }
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
