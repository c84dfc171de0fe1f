package org.kd4j.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMLayerConfig;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.weights.LSTMLayerWeights;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bidirectional LSTM classifier (the "simple network" student of Tang et al. 2019): one BiLSTM layer of
 * {@code ffn} units per direction over the embeddings, max over the non-padding positions of the concatenated
 * states, linear head. The backward direction runs forward over each row reversed within its length (M2.1's
 * {@code lstmLayer} gives wrong gradients when given sequence lengths), so neither direction reads padding before a
 * real token and predictions do not depend on how a row was padded.
 */
final class BiLstmGraph extends GraphBuilder {

    private BiLstmGraph(DataType type) {
        super(type);
    }

    static ClassifierGraph build(ModelConfig config, int outputs, DataType type, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return new BiLstmGraph(type).build(config, outputs);
    }

    private ClassifierGraph build(ModelConfig config, int outputs) {
        int e = config.hidden();
        int units = config.ffn();
        SDVariable x = embeddings(e);
        SDVariable mask = mask();
        // backward direction = a forward LSTM over each row reversed within its length: padding stays at the end,
        // after every real token, so neither direction's states at real tokens depend on padding
        SDVariable lengths = mask.sum(1).castTo(DataType.INT32);
        SDVariable reversed = sd.reverseSequence(x, lengths, 1, 0);
        SDVariable forward = maskedMax(direction("lstm_fwd", x, e, units), mask);
        SDVariable backward = maskedMax(direction("lstm_bwd", reversed, e, units), mask);
        SDVariable pooled = sd.concat(1, forward, backward);
        return finish(linear("classifier", pooled, 2 * units, outputs), outputs);
    }

    /** A unidirectional LSTM over {@code [batch, length, in]}, all states {@code [batch, length, units]}. */
    private SDVariable direction(String name, SDVariable x, int in, int units) {
        double scale = 1.0 / Math.sqrt(units);
        LSTMLayerWeights weights = LSTMLayerWeights.builder()
                .weights(sd.var(name + "_w", Nd4j.rand(type, in, 4 * units).subi(0.5).muli(2 * scale)))
                .rWeights(sd.var(name + "_rw", Nd4j.rand(type, units, 4 * units).subi(0.5).muli(2 * scale)))
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
