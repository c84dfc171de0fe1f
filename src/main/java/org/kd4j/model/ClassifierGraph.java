package org.kd4j.model;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;

/**
 * A SameDiff classifier graph with the framework's contract: the summed input embeddings are the variable
 * {@link #EMBEDDINGS} ({@code [batch, length, dim]}, set before every run), the attention mask is the placeholder
 * {@link #MASK} ({@code [batch, length]}, 1 on tokens, 0 on padding), and the output is {@link #LOGITS}
 * ({@code [batch, outputs]}).
 *
 * <p>A graph may come with a {@link BiLstm} layer that runs outside SameDiff between the embeddings and the graph
 * ({@code recurrent}, null for other models): {@link #EMBEDDINGS} then holds that layer's output.
 */
public record ClassifierGraph(SameDiff sd, int outputs, BiLstm recurrent) {

    /** A graph whose input is the embeddings themselves. */
    public ClassifierGraph(SameDiff sd, int outputs) {
        this(sd, outputs, null);
    }

    /** This graph behind {@code layer}. */
    public ClassifierGraph withRecurrent(BiLstm layer) {
        return new ClassifierGraph(sd, outputs, layer);
    }

    public static final String EMBEDDINGS = "embeddings";
    public static final String MASK = "attention_mask";
    public static final String LOGITS = "logits";
    /** Token states of a transformer, {@code [batch, length, hidden]} (as an encoder's {@code last_hidden_state}). */
    public static final String HIDDEN_STATES = "last_hidden_state";
    /** A transformer's pooler output with CLS pooling, {@code [batch, hidden]}. */
    public static final String POOLED = "pooler_output";
    /**
     * The pooled representation every native graph feeds its classifier head, {@code [batch, width]}: a transformer's
     * pooled token states (mean, pooler or first token), a CNN's max-pooled filters, a BiLSTM's max-pooled states (see
     * {@link ClassifierGraphs#featureWidth}). Graphs imported as they are (generic SameDiff import) do not have it.
     */
    public static final String FEATURES = "pooled_features";
    /**
     * Names starting with this belong to a training loss added to the graph (e.g. the learned projections of
     * {@code org.kd4j.distill.loss.HiddenLoss}), not to the model: {@link #trainableVariables()} leaves them out, so they
     * are neither saved nor exported with the model.
     */
    public static final String LOSS_PREFIX = "kd_";
    /** The bias of every native graph's classifier head ({@code logits = features W + b}), {@code [1, outputs]}. */
    public static final String HEAD_BIAS = "classifier_b";

    /** A transformer's layer {@code i} output (after its feed-forward block), {@code [batch*length, hidden]}. */
    public static String layerOutput(int layer) {
        return "l" + layer + "_output";
    }

    /** A transformer's layer {@code i} attention probabilities, {@code [batch, heads, length (query), length (key)]}. */
    public static String layerAttention(int layer) {
        return "l" + layer + "_attention";
    }

    public SDVariable logits() {
        return sd.getVariable(LOGITS);
    }

    /** Whether the graph has the pooled representation {@link #FEATURES} (every native graph has). */
    public boolean hasFeatures() {
        return sd.hasVariable(FEATURES);
    }

    /**
     * Names of the trainable variables of the model (not the embeddings input, not the variables of a loss added for
     * training, {@link #LOSS_PREFIX}).
     */
    public List<String> trainableVariables() {
        return sd.variables().stream()
                .filter(v -> v.getVariableType() == VariableType.VARIABLE && !v.name().equals(EMBEDDINGS)
                        && !v.name().startsWith(LOSS_PREFIX))
                .map(SDVariable::name)
                .toList();
    }
}
