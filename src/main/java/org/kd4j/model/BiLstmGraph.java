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
 * states, linear head. Padding sits at the end of each row, so the forward direction never sees it before a real
 * token; the backward direction does, which is why batches are length-bucketed.
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
        double scale = 1.0 / Math.sqrt(units);
        LSTMLayerWeights weights = LSTMLayerWeights.builder()
                .weights(sd.var("lstm_w", Nd4j.rand(type, 2, e, 4 * units).subi(0.5).muli(2 * scale)))
                .rWeights(sd.var("lstm_rw", Nd4j.rand(type, 2, units, 4 * units).subi(0.5).muli(2 * scale)))
                .bias(sd.var("lstm_b", Nd4j.zeros(type, 2, 4 * units)))
                .build();
        LSTMLayerConfig lstm = LSTMLayerConfig.builder()
                .lstmdataformat(LSTMDataFormat.NTS)
                .directionMode(LSTMDirectionMode.BIDIR_CONCAT)
                .gateAct(LSTMActivations.SIGMOID)
                .cellAct(LSTMActivations.TANH)
                .outAct(LSTMActivations.TANH)
                .retFullSequence(true)
                .retLastH(false)
                .retLastC(false)
                .build();
        SDVariable states = sd.rnn().lstmLayer(x, weights, lstm)[0];
        SDVariable pooled = maskedMax(states, mask);
        return finish(linear("classifier", pooled, 2 * units, outputs), outputs);
    }
}
