package org.kd4j.model;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv1DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Kim (2014)-style CNN classifier: 1-D convolutions of widths 3, 4 and 5 ({@code ffn} filters each, ReLU, "same"
 * padding) over the embeddings, max over the non-padding positions, concatenation, linear head.
 */
final class CnnGraph extends GraphBuilder {

    static final int[] WIDTHS = {3, 4, 5};

    private CnnGraph(DataType type) {
        super(type);
    }

    static ClassifierGraph build(CnnConfig config, int outputs, DataType type, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return new CnnGraph(type).build(config, outputs);
    }

    private ClassifierGraph build(CnnConfig config, int outputs) {
        int e = config.hidden();
        int filters = config.filters();
        SDVariable mask = mask();
        // zero the padding so that "same" convolutions see what they see at the end of an unpadded row
        SDVariable x = embeddings(e).mul(sd.expandDims(mask, 2));
        List<SDVariable> pooled = new ArrayList<>();
        for (int width : WIDTHS) {
            SDVariable w = sd.var("conv" + width + "_w", Nd4j.randn(type, width, e, filters).muli(Math.sqrt(2.0 / (width * e))));
            SDVariable b = sd.var("conv" + width + "_b", Nd4j.zeros(type, filters));
            Conv1DConfig conv = Conv1DConfig.builder().k(width).s(1).d(1).paddingMode(PaddingMode.SAME)
                    .dataFormat("NWC").build();
            pooled.add(maskedMax(sd.nn().relu(sd.cnn().conv1d(x, w, b, conv), 0.0), mask));
        }
        SDVariable features = sd.concat(1, pooled.toArray(new SDVariable[0]));
        return finish(linear("classifier", features(features), filters * WIDTHS.length, outputs), outputs);
    }
}
