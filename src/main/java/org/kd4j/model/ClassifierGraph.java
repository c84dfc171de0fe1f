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

    public SDVariable logits() {
        return sd.getVariable(LOGITS);
    }

    /** Names of the trainable variables of the graph (not the embeddings input). */
    public List<String> trainableVariables() {
        return sd.variables().stream()
                .filter(v -> v.getVariableType() == VariableType.VARIABLE && !v.name().equals(EMBEDDINGS))
                .map(SDVariable::name)
                .toList();
    }
}
