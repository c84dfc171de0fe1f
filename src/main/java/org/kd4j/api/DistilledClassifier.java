package org.kd4j.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kd4j.KdException;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.model.TextClassifier;
import org.kd4j.run.RunDirectory;

/**
 * A distilled student loaded from a run directory, ready to classify text in a JVM application:
 * <pre>{@code
 * DistilledClassifier classifier = DistilledClassifier.load(Path.of("runs/sst2-demo"));
 * List<DistilledClassifier.Prediction> p = classifier.classify(List.of("a gorgeous, witty film"));
 * p.get(0).label();          // "1"
 * p.get(0).probabilities();  // {0=0.08, 1=0.92}
 * }</pre>
 * Thread-safe: one instance may serve concurrent callers (the model runs one batch at a time).
 */
public final class DistilledClassifier {

    private static final int BATCH = 32;

    static {
        // the faster native build on AVX-512 CPUs, if the application has not started ND4J before
        org.kd4j.util.NativeBuild.select();
    }

    private final GlueTask task;
    private final List<String> labels;
    private final int maxLength;
    private final BertTokenizer tokenizer;
    private final TextClassifier model;

    private DistilledClassifier(GlueTask task, List<String> labels, int maxLength, BertTokenizer tokenizer,
                                TextClassifier model) {
        this.task = task;
        this.labels = labels;
        this.maxLength = maxLength;
        this.tokenizer = tokenizer;
        this.model = model;
    }

    /** Loads a finished run; errors name the directory and the missing or invalid file. */
    public static DistilledClassifier load(Path runDir) {
        RunDirectory run = new RunDirectory(runDir);
        RunDirectory.Labels labels = run.readLabels();
        BertTokenizer tokenizer = BertTokenizer.load(run.file(RunDirectory.TOKENIZER).toString());
        TextClassifier model = TextClassifier.load(run.file(RunDirectory.MODEL));
        if (model.outputs() != labels.task().numOutputs()) {
            throw new KdException(run.file(RunDirectory.MODEL) + ": the model has " + model.outputs() + " outputs, task "
                    + labels.task() + " needs " + labels.task().numOutputs());
        }
        return new DistilledClassifier(labels.task(), labels.labels(), labels.maxLength(), tokenizer, model);
    }

    /**
     * One prediction.
     *
     * @param label predicted label name (classification), or {@code null} for regression
     * @param labelId its id, -1 for regression
     * @param probabilities softmax probability per label name (empty for regression)
     * @param score the predicted score (regression), NaN otherwise
     */
    public record Prediction(String label, int labelId, Map<String, Double> probabilities, double score) {}

    public GlueTask task() {
        return task;
    }

    public List<String> labels() {
        return labels;
    }

    public BertTokenizer tokenizer() {
        return tokenizer;
    }

    public TextClassifier model() {
        return model;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Classifies single texts (for sentence-pair tasks, use {@link #classifyPairs}). */
    public List<Prediction> classify(List<String> texts) {
        List<String[]> pairs = new ArrayList<>();
        texts.forEach(t -> pairs.add(new String[] {t, null}));
        return predict(pairs);
    }

    /** Classifies text pairs {@code {textA, textB}}. */
    public List<Prediction> classifyPairs(List<String[]> pairs) {
        return predict(pairs);
    }

    private List<Prediction> predict(List<String[]> inputs) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String[] in = inputs.get(i);
            if (in[0] == null) {
                throw new IllegalArgumentException("input " + i + " has no text");
            }
            examples.add(new Example(Integer.toString(i), i + 1, in[0], in.length > 1 ? in[1] : null,
                    Example.NO_LABEL, Double.NaN));
        }
        EncodedDataset data = EncodedDataset.encode(task, examples, tokenizer, maxLength);
        float[][] logits = model.logits(data, BATCH, tokenizer.padId());
        List<Prediction> out = new ArrayList<>(logits.length);
        for (float[] row : logits) {
            out.add(task.isRegression() ? new Prediction(null, -1, Map.of(), row[0]) : classification(row));
        }
        return out;
    }

    private Prediction classification(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double z = 0;
        double[] p = new double[logits.length];
        for (int c = 0; c < logits.length; c++) {
            p[c] = Math.exp(logits[c] - max);
            z += p[c];
        }
        Map<String, Double> probabilities = new LinkedHashMap<>();
        int best = 0;
        for (int c = 0; c < logits.length; c++) {
            probabilities.put(labels.get(c), p[c] / z);
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return new Prediction(labels.get(best), best, probabilities, Double.NaN);
    }

    /** A one-batch forward pass of already-padded inputs, for benchmarks. */
    public float[][] logits(Batch batch) {
        return model.logits(batch);
    }
}
