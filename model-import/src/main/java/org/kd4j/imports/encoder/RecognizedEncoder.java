package org.kd4j.imports.encoder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kd4j.model.TransformerConfig;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A BERT-family encoder read from an export: the native transformer shape it fits and its weights under the native
 * parameter names.
 *
 * @param config        the shape (pooling CLS when the export has BERT's tanh pooler, CLS_RELU with DistilBERT's ReLU
 *                      pre-classifier, CLS_GELU with ELECTRA's dense + GELU head, else FIRST; the export's layer-norm
 *                      epsilon; the embedding size when its embeddings are projected)
 * @param weights       parameters by native name (embedding tables, layers, pooler and classifier when present)
 * @param pooler        whether the export has a pooler (BERT's, DistilBERT's pre-classifier or ELECTRA's head)
 * @param labels        width of the export's classifier head; 0 for a bare encoder
 * @param sourceInputs  contract input name to the file's input name
 * @param sourceOutputs contract output name ({@code last_hidden_state}, {@code pooler_output}, {@code logits}) to the
 *                      file's output name
 */
public record RecognizedEncoder(TransformerConfig config, Map<String, INDArray> weights, boolean pooler, int labels,
                                Map<String, String> sourceInputs, Map<String, String> sourceOutputs) {

    /** Native transformer parameters of layer i are named {@code l<i>_...}. */
    private static final Pattern LAYER_PARAMETER = Pattern.compile("l(\\d+)_");

    public RecognizedEncoder {
        Objects.requireNonNull(config, "config");
        weights = Map.copyOf(weights);
        sourceInputs = Map.copyOf(sourceInputs);
        sourceOutputs = Map.copyOf(sourceOutputs);
    }

    /** Number of weights of the encoder (embedding tables included). */
    public long parameters() {
        return weights.values().stream().mapToLong(INDArray::length).sum();
    }

    /**
     * The encoder cut to its first {@code n} layers: the embedding tables and layers {@code 0..n-1} as they are, the
     * pooler and classifier (if any) kept to sit on layer {@code n-1}'s output. This is how XtremeDistil and SEAD start a
     * small student from a pretrained encoder. The cut encoder no longer computes the file's outputs, so it has no
     * {@link #sourceOutputs} (a parity check against the file applies to the whole encoder only).
     *
     * @throws IllegalArgumentException when {@code n} is not in {@code 1..config.layers()}
     */
    public RecognizedEncoder firstLayers(int n) {
        if (n < 1 || n > config.layers()) {
            throw new IllegalArgumentException("layers to keep: expected 1.." + config.layers() + " (the encoder's layers), found " + n);
        }
        if (n == config.layers()) {
            return this;
        }
        Map<String, INDArray> kept = new LinkedHashMap<>();
        weights.forEach((name, value) -> {
            Matcher m = LAYER_PARAMETER.matcher(name);
            if (!m.lookingAt() || Integer.parseInt(m.group(1)) < n) {
                kept.put(name, value);
            }
        });
        TransformerConfig cut = config.withLayers(n);
        return new RecognizedEncoder(cut, kept, pooler, labels, sourceInputs, Map.of());
    }

    /**
     * The encoder on kd4j's native transformer with a classification (or, for 1 output, regression) head.
     *
     * @param outputs labels of the task; the export's own classifier is kept when it has exactly this width and
     *                {@code pooling} is null, otherwise the head is fresh (seeded)
     * @param pooling null: the export's (its pooler's kind, else FIRST); any other pooling otherwise (a fresh pooler
     *                unless the export's is of the same kind)
     */
    public TextClassifier classifier(int outputs, Pooling pooling, long seed) {
        Pooling chosen = pooling == null ? config.pooling() : pooling;
        Map<String, INDArray> use = new LinkedHashMap<>(weights);
        boolean keepHead = pooling == null && labels == outputs;
        if (!keepHead) {
            use.remove("classifier_w");
            use.remove("classifier_b");
        }
        if (chosen != config.pooling() || !pooler) {
            // the export's pooler serves only its own kind of pooling (a tanh pooler is no ReLU pre-classifier)
            use.remove("pooler_w");
            use.remove("pooler_b");
        }
        return TextClassifier.fromWeights(config.withPooling(chosen), use, outputs, seed);
    }

    /**
     * The embedding projection and the pooler for reports: ", embeddings 128 wide projected to 256" (ELECTRA-small's)
     * when there is one, then ", pooler (tanh)" (BERT's), ", pre-classifier (ReLU)" (DistilBERT's), ", classification
     * head (dense + GELU)" (ELECTRA's), or nothing when there is no pooler.
     */
    public String poolerDescription() {
        String projection = config.projectsEmbeddings()
                ? ", embeddings " + config.embeddingSize() + " wide projected to " + config.hidden() : "";
        if (!pooler) {
            return projection;
        }
        return projection + switch (config.pooling()) {
            case CLS_RELU -> ", pre-classifier (ReLU)";
            case CLS_GELU -> ", classification head (dense + GELU)";
            default -> ", pooler (tanh)";
        };
    }
}
