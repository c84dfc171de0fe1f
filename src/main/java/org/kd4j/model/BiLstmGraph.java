package org.kd4j.model;

import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMLayerConfig;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.weights.LSTMLayerWeights;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bidirectional LSTM classifier (the "simple network" student of Tang et al. 2019): {@code lstm_layers} stacked BiLSTM
 * layers (one by default) of {@code ffn} units per direction over the embeddings, max over the non-padding positions of
 * the last layer's concatenated states, then the head: linear, or a ReLU layer of {@code head_units} ({@code head_w}, {@code head_b}) and a linear
 * layer. The {@link ClassifierGraph#FEATURES} the hidden loss reads are the pooled states either way. The backward
 * direction runs forward over each row reversed within its length (M2.1's {@code lstmLayer} gives wrong gradients when
 * given sequence lengths), so neither direction reads padding before a real token and predictions do not depend on how
 * a row was padded.
 *
 * <p>The LSTM layer runs outside the graph ({@link BiLstm}: M2.1's {@code lstmLayer_bp} leaks its working arrays), so
 * the graph {@link #build}s is the head only: its {@link ClassifierGraph#EMBEDDINGS} input holds the layer's states
 * {@code [batch, length, 2 x ffn]}. {@link #whole} builds the same model as one SameDiff graph with M2.1's LSTM ops,
 * for export and as the reference the layer is tested against.
 */
final class BiLstmGraph extends GraphBuilder {

    private BiLstmGraph(DataType type) {
        super(type);
    }

    /** The head graph with its {@link BiLstm} layer (fresh weights drawn from {@code seed}). */
    static ClassifierGraph build(BiLstmConfig config, int outputs, DataType type, long seed) {
        Nd4j.getRandom().setSeed(seed);
        BiLstm lstm = BiLstm.random(config.hidden(), config.units(), config.layers(), type);
        BiLstmGraph g = new BiLstmGraph(type);
        int units = config.units();
        SDVariable states = g.embeddings(2 * units);
        SDVariable pooled = g.maskedMax(states, g.mask());
        ClassifierGraph head = g.finish(g.head(config, g.features(pooled), outputs), outputs);
        return head.withRecurrent(lstm);
    }

    /** The classifier over the pooled states {@code [batch, 2 x units]}: linear, or ReLU layer then linear. */
    private SDVariable head(BiLstmConfig config, SDVariable pooled, int outputs) {
        int width = 2 * config.units();
        if (config.headUnits() == 0) {
            return linear("classifier", pooled, width, outputs);
        }
        SDVariable hidden = sd.nn().relu(linear("head", pooled, width, config.headUnits()), 0.0);
        return linear("classifier", hidden, config.headUnits(), outputs);
    }

    /**
     * The whole model as one SameDiff graph (embeddings in, M2.1's {@code lstmLayer} and {@code reverseSequence} ops),
     * with the weights of {@code lstm} and {@code head}'s variables (copies). Runs on the generic kernels only: the
     * oneDNN build of M2.1 fails in {@code lstmLayer} (whoever runs this graph there switches ND4J's platform helpers off, a
     * process-wide setting: the tests do it in {@code testing/PlatformHelpersOff}); its backward op leaks (see
     * {@link BiLstm}).
     */
    static SameDiff whole(BiLstmConfig config, int outputs, BiLstm lstm, SameDiff head) {
        BiLstmGraph g = new BiLstmGraph(head.getVariable(ClassifierGraph.LOGITS).dataType());
        ClassifierGraph built = g.buildWhole(config, outputs);
        Map<String, INDArray> values = new java.util.HashMap<>(lstm.parameters());
        for (String name : new ClassifierGraph(head, outputs).trainableVariables()) {
            values.put(name, head.getVariable(name).getArr());
        }
        for (String name : built.trainableVariables()) {
            INDArray value = values.get(name);
            if (value != null) {
                built.sd().getVariable(name).getArr().assign(value);
            }
        }
        return built.sd();
    }

    private ClassifierGraph buildWhole(BiLstmConfig config, int outputs) {
        int e = config.hidden();
        int units = config.units();
        SDVariable x = embeddings(e);
        SDVariable mask = mask();
        // backward direction = a forward LSTM over each row reversed within its length: padding stays at the end,
        // after every real token, so neither direction's states at real tokens depend on padding
        SDVariable lengths = mask.sum(1).castTo(DataType.INT32);
        int width = e;
        for (int k = 0; k < config.layers() - 1; k++) {
            // a layer under the last: both directions' states in the row's order are the next layer's input
            SDVariable forward = direction(BiLstm.direction(k, true), x, width, units);
            SDVariable backward = direction(BiLstm.direction(k, false), sd.reverseSequence(x, lengths, 1, 0), width, units);
            x = sd.concat(2, forward, sd.reverseSequence(backward, lengths, 1, 0));
            width = 2 * units;
        }
        int last = config.layers() - 1;
        SDVariable reversed = sd.reverseSequence(x, lengths, 1, 0);
        SDVariable forward = maskedMax(direction(BiLstm.direction(last, true), x, width, units), mask);
        // the max over a row's real positions does not depend on their order: no need to reverse the states back
        SDVariable backward = maskedMax(direction(BiLstm.direction(last, false), reversed, width, units), mask);
        SDVariable pooled = sd.concat(1, forward, backward);
        return finish(head(config, pooled, outputs), outputs);
    }

    /** A unidirectional LSTM over {@code [batch, length, in]}, all states {@code [batch, length, units]}. */
    private SDVariable direction(String name, SDVariable x, int in, int units) {
        LSTMLayerWeights weights = LSTMLayerWeights.builder()
                .weights(sd.var(name + "_w", Nd4j.zeros(type, in, 4 * units)))
                .rWeights(sd.var(name + "_rw", Nd4j.zeros(type, units, 4 * units)))
                .bias(sd.var(name + "_b", Nd4j.zeros(type, 4 * units)))
                .build();
        LSTMLayerConfig lstm = LSTMLayerConfig.builder()
                .lstmdataformat(LSTMDataFormat.NTS)
                .directionMode(LSTMDirectionMode.FWD)
                .gateAct(LSTMActivations.SIGMOID)
                .cellAct(LSTMActivations.TANH)
                .outAct(LSTMActivations.TANH)
                .retFullSequence(true)
                .retLastH(false)
                .retLastC(false)
                .build();
        return sd.rnn().lstmLayer(x, weights, lstm)[0];
    }
}
