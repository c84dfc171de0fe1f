package org.kd4j.model;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds a BERT-style (post-layer-norm) encoder classifier in SameDiff:
 * <pre>
 * x = LN(embeddings)          (then x = Wp x + bp when the embeddings are narrower than hidden, as ELECTRA-small's)
 * per layer: x = LN(x + Wo · softmax(Q K^T / sqrt(d) + maskBias) V);  x = LN(x + W2 · act(W1 x))
 * pooled = masked mean of x  (or tanh(Wp x[CLS]) with CLS pooling, or x[CLS] with FIRST)
 * logits = Wc · pooled + bc
 * </pre>
 * This is Hugging Face's {@code BertModel} (post-layer-norm) term for term, so BERT-family encoders load into it
 * ({@code org.kd4j.imports.encoder}); each layer's output and attention probabilities are named
 * ({@link ClassifierGraph#layerOutput}, {@link ClassifierGraph#layerAttention}), the token states are also the output
 * {@link ClassifierGraph#HIDDEN_STATES}
 * ({@code [batch, length, hidden]}) and, with CLS, CLS_RELU or CLS_GELU pooling, the pooler's output
 * {@link ClassifierGraph#POOLED}.
 * Token states are kept as {@code [batch*length, hidden]} matrices; only attention reshapes to
 * {@code [batch, heads, length, headSize]}, with shapes taken from the mask at run time, so batch size and
 * sequence length may change from batch to batch (dynamic padding).
 */
final class TransformerGraph extends GraphBuilder {

    private final TransformerConfig config;

    private TransformerGraph(TransformerConfig config, DataType type) {
        super(type);
        this.config = config;
    }

    static ClassifierGraph build(TransformerConfig config, int outputs, DataType type, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return new TransformerGraph(config, type).build(outputs);
    }

    private ClassifierGraph build(int outputs) {
        int h = config.hidden();
        int e = config.embeddingWidth();
        SDVariable embeddings = embeddings(e);
        SDVariable mask = mask();
        SDVariable batchAndLength = sd.shape(mask);

        SDVariable x = sd.reshape(embeddings, -1, e);
        x = layerNorm("emb_ln", x, e);
        if (config.projectsEmbeddings()) {
            x = linear("emb_proj", x, e, h); // ELECTRA-small's embeddings_project
        }
        // [batch, 1, 1, length]: 0 on tokens, -10000 on padding
        SDVariable maskBias = sd.expandDims(sd.expandDims(mask.rsub(1.0).mul(MASK_NEG), 1), 1);
        for (int layer = 0; layer < config.layers(); layer++) {
            String p = "l" + layer + "_";
            x = layerNorm(p + "attn_ln", x.add(attention(layer, x, batchAndLength, maskBias)), h);
            SDVariable inner = activation(linear(p + "ffn_in", x, h, config.ffn()));
            x = layerNorm(p + "ffn_ln", x.add(linear(p + "ffn_out", inner, config.ffn(), h)), h);
            sd.updateVariableNameAndReference(x, ClassifierGraph.layerOutput(layer));
        }
        SDVariable states = sd.reshape(x, sd.concat(0, batchAndLength, longs(h)));
        sd.updateVariableNameAndReference(states, ClassifierGraph.HIDDEN_STATES);
        SDVariable pooled = switch (config.pooling()) {
            case MEAN -> {
                SDVariable m = sd.expandDims(mask, 2);
                yield states.mul(m).sum(1).div(m.sum(1));
            }
            case CLS -> {
                SDVariable p = sd.math().tanh(linear("pooler", states.get(SDIndex.all(), SDIndex.point(0), SDIndex.all()), h, h));
                sd.updateVariableNameAndReference(p, ClassifierGraph.POOLED);
                yield p;
            }
            case CLS_RELU -> {
                SDVariable p = sd.nn().relu(linear("pooler", states.get(SDIndex.all(), SDIndex.point(0), SDIndex.all()), h, h), 0.0);
                sd.updateVariableNameAndReference(p, ClassifierGraph.POOLED);
                yield p;
            }
            case CLS_GELU -> {
                SDVariable p = exactGelu(linear("pooler", states.get(SDIndex.all(), SDIndex.point(0), SDIndex.all()), h, h));
                sd.updateVariableNameAndReference(p, ClassifierGraph.POOLED);
                yield p;
            }
            case FIRST -> states.get(SDIndex.all(), SDIndex.point(0), SDIndex.all());
        };
        return finish(linear("classifier", features(pooled), h, outputs), outputs);
    }

    private SDVariable attention(int layer, SDVariable x, SDVariable batchAndLength, SDVariable maskBias) {
        String p = "l" + layer + "_";
        int h = config.hidden();
        SDVariable headsShape = sd.concat(0, batchAndLength, longs(config.heads(), config.headSize()));
        SDVariable q = heads(linear(p + "q", x, h, h), headsShape);
        SDVariable k = heads(linear(p + "k", x, h, h), headsShape);
        SDVariable v = heads(linear(p + "v", x, h, h), headsShape);
        SDVariable scores = sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(config.headSize())).add(maskBias);
        SDVariable probabilities = sd.nn().softmax(scores, 3);
        sd.updateVariableNameAndReference(probabilities, ClassifierGraph.layerAttention(layer));
        SDVariable context = sd.mmul(probabilities, v);
        SDVariable merged = sd.reshape(sd.permute(context, 0, 2, 1, 3), -1, h);
        return linear(p + "o", merged, h, h);
    }

    /** The feed-forward activation of {@link TransformerConfig#activation()}. */
    private SDVariable activation(SDVariable x) {
        return switch (config.activation()) {
            case GELU_SIGMOID -> sd.nn().gelu(x);
            case GELU -> exactGelu(x);
            case GELU_TANH -> x.mul(0.5).mul(sd.math().tanh(x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI))).add(1.0));
            case RELU -> sd.nn().relu(x, 0.0);
        };
    }

    /** {@code x * 0.5 * (1 + erf(x / sqrt(2)))}: BERT's GELU. */
    private SDVariable exactGelu(SDVariable x) {
        return x.mul(0.5).mul(sd.math().erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0));
    }

    @Override
    SDVariable layerNorm(String name, SDVariable x, int dim) {
        if (config.layerNormEps() < TransformerConfig.FUSED_LAYER_NORM_EPS) {
            return super.layerNorm(name, x, dim);
        }
        SDVariable gain = sd.var(name + "_g", Nd4j.ones(type, dim));
        SDVariable bias = sd.var(name + "_b", Nd4j.zeros(type, dim));
        SDVariable centred = x.sub(x.mean(true, 1));
        SDVariable variance = centred.mul(centred).mean(true, 1);
        return centred.div(sd.math().sqrt(variance.add(config.layerNormEps()))).mul(gain).add(bias);
    }

    /** {@code [batch*length, hidden]} to {@code [batch, heads, length, headSize]}. */
    private SDVariable heads(SDVariable x, SDVariable headsShape) {
        return sd.permute(sd.reshape(x, headsShape), 0, 2, 1, 3);
    }
}
