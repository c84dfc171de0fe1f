package org.kd4j.imports.encoder;

import java.util.Map;
import java.util.Objects;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A BERT-family encoder read from an export: the native transformer shape it fits and its weights under the native
 * parameter names.
 *
 * @param config        the shape (pooling CLS when the export has a pooler, else FIRST; the export's layer-norm epsilon)
 * @param weights       parameters by native name (embedding tables, layers, pooler and classifier when present)
 * @param pooler        whether the export has BERT's pooler
 * @param labels        width of the export's classifier head; 0 for a bare encoder
 * @param sourceInputs  contract input name to the file's input name
 * @param sourceOutputs contract output name ({@code last_hidden_state}, {@code pooler_output}, {@code logits}) to the
 *                      file's output name
 */
public record RecognizedEncoder(ModelConfig config, Map<String, INDArray> weights, boolean pooler, int labels,
                                Map<String, String> sourceInputs, Map<String, String> sourceOutputs) {

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
     * The encoder on kd4j's native transformer with a classification (or, for 1 output, regression) head.
     *
     * @param outputs labels of the task; the export's own classifier is kept when it has exactly this width and
     *                {@code pooling} is null, otherwise the head is fresh (seeded)
     * @param pooling null: the export's (CLS with its pooler, else FIRST); MEAN, CLS (a fresh pooler when the export
     *                has none) or FIRST otherwise
     */
    public TextClassifier classifier(int outputs, Pooling pooling, long seed) {
        Pooling chosen = pooling == null ? config.pooling() : pooling;
        Map<String, INDArray> use = new java.util.LinkedHashMap<>(weights);
        boolean keepHead = pooling == null && labels == outputs;
        if (!keepHead) {
            use.remove("classifier_w");
            use.remove("classifier_b");
        }
        if (chosen != Pooling.CLS) {
            use.remove("pooler_w");
            use.remove("pooler_b");
        }
        return TextClassifier.fromWeights(config.withPooling(chosen), use, outputs, seed);
    }
}
