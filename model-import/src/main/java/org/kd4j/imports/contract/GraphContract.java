package org.kd4j.imports.contract;

import java.util.List;
import java.util.Objects;

/**
 * The names every imported graph answers to, whatever the exporter called them. Inputs are INT64
 * {@code [batch, sequence]}: {@value #INPUT_IDS}, {@value #ATTENTION_MASK} and, when the model uses segments,
 * {@value #TOKEN_TYPE_IDS}. Outputs: {@value #LOGITS} for classifiers; {@value #LAST_HIDDEN_STATE} and optionally
 * {@value #POOLER_OUTPUT} for encoders.
 *
 * @param head    classifier or encoder
 * @param inputs  contract input names present in the graph, in order
 * @param outputs contract output names, in order
 * @param labels  label names of a classifier (may be empty: unnamed labels), empty for encoders
 * @param hidden  hidden size of an encoder's outputs, or the label count of a classifier
 */
public record GraphContract(Head head, List<String> inputs, List<String> outputs, List<String> labels, long hidden) {

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String LOGITS = "logits";
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";
    public static final String POOLER_OUTPUT = "pooler_output";
    public static final List<String> INPUT_NAMES = List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);

    public GraphContract {
        Objects.requireNonNull(head, "head");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        labels = List.copyOf(labels);
        if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
            throw new IllegalArgumentException("inputs: expected input_ids and attention_mask, found " + inputs);
        }
        for (String in : inputs) {
            if (!INPUT_NAMES.contains(in)) {
                throw new IllegalArgumentException("inputs: unknown contract input '" + in + "', expected one of " + INPUT_NAMES);
            }
        }
        List<String> allowed = head == Head.CLASSIFIER ? List.of(LOGITS) : List.of(LAST_HIDDEN_STATE, POOLER_OUTPUT);
        if (outputs.isEmpty() || !allowed.containsAll(outputs) || !outputs.get(0).equals(allowed.get(0))) {
            throw new IllegalArgumentException("outputs: a " + head + " outputs " + allowed + " (first one required), found " + outputs);
        }
        if (head == Head.ENCODER && !labels.isEmpty()) {
            throw new IllegalArgumentException("labels: an encoder has no labels, found " + labels);
        }
        if (head == Head.CLASSIFIER && !labels.isEmpty() && labels.size() != hidden) {
            throw new IllegalArgumentException("labels: the classifier outputs " + hidden + " logits, but " + labels.size()
                    + " label names were given: " + labels);
        }
        if (hidden < 1) {
            throw new IllegalArgumentException("hidden: expected >= 1, found " + hidden);
        }
    }

    public boolean usesTokenTypes() {
        return inputs.contains(TOKEN_TYPE_IDS);
    }

    /** One line for logs and the CLI. */
    public String describe() {
        return inputs + " -> " + outputs + (head == Head.CLASSIFIER ? " (" + hidden + " labels" + (labels.isEmpty() ? "" : ": "
                + String.join(",", labels)) + ")" : " (hidden " + hidden + ")");
    }
}
