package org.kd4j.imports.tf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a TensorFlow graph's inputs and output map to kd4j's graph contract (placeholders {@code input_ids},
 * {@code attention_mask}, {@code token_type_ids}; output {@code logits}).
 *
 * @param placeholders TF placeholder name to contract name (e.g. {@code input_mask -> attention_mask})
 * @param iteratorOutputs output index of {@code IteratorGetNext} to contract name (e.g. {@code 1 -> attention_mask})
 * @param logitsNode the TF node whose output is the logits
 */
public record TfInputContract(Map<String, String> placeholders, Map<Integer, String> iteratorOutputs,
        String logitsNode) {

    /** Contract name of the token ids. */
    public static final String INPUT_IDS = "input_ids";
    /** Contract name of the attention mask. */
    public static final String ATTENTION_MASK = "attention_mask";
    /** Contract name of the segment (token type) ids. */
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    /** Contract name of the output. */
    public static final String LOGITS = "logits";

    public TfInputContract {
        placeholders = Map.copyOf(Objects.requireNonNull(placeholders, "placeholders"));
        iteratorOutputs = Map.copyOf(Objects.requireNonNull(iteratorOutputs, "iteratorOutputs"));
        if (logitsNode == null || logitsNode.isBlank()) {
            throw new IllegalArgumentException("logitsNode must name a node");
        }
    }

    /**
     * google-research/bert {@code run_classifier.py}: placeholders {@code input_ids}, {@code input_mask},
     * {@code segment_ids}, or {@code IteratorGetNext:0..2} in that order ({@code :3}, label_ids, is not an input of
     * the logits); logits at {@code loss/BiasAdd}.
     */
    public static TfInputContract bertRunClassifier() {
        return new TfInputContract(
                Map.of("input_ids", INPUT_IDS, "input_mask", ATTENTION_MASK, "segment_ids", TOKEN_TYPE_IDS),
                Map.of(0, INPUT_IDS, 1, ATTENTION_MASK, 2, TOKEN_TYPE_IDS), "loss/BiasAdd");
    }

    /** This contract with TF placeholder {@code tfName} mapped to {@code contractName}. */
    public TfInputContract withPlaceholder(String tfName, String contractName) {
        Map<String, String> m = new LinkedHashMap<>(placeholders);
        m.put(tfName, contractName);
        return new TfInputContract(m, iteratorOutputs, logitsNode);
    }

    /** This contract with {@code IteratorGetNext:index} mapped to {@code contractName}. */
    public TfInputContract withIteratorOutput(int index, String contractName) {
        Map<Integer, String> m = new LinkedHashMap<>(iteratorOutputs);
        m.put(index, contractName);
        return new TfInputContract(placeholders, m, logitsNode);
    }

    /** This contract with the logits read from node {@code node}. */
    public TfInputContract withLogitsNode(String node) {
        return new TfInputContract(placeholders, iteratorOutputs, node);
    }
}
