package org.kd4j.imports.encoder;

import java.util.Map;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.model.Activation;
import org.kd4j.model.TransformerConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A plain ND4J forward pass of a recognised BERT-family encoder in float64, written independently of the SameDiff
 * graph: the yardstick that tells which of two float32 runtimes (kd4j's and ONNX Runtime) is off when they disagree.
 */
public final class Float64Reference {

    private final RecognizedEncoder encoder;

    public Float64Reference(RecognizedEncoder encoder) {
        this.encoder = encoder;
    }

    private INDArray w(String name) {
        return encoder.weights().get(name).castTo(DataType.DOUBLE);
    }

    /** {@code last_hidden_state} {@code [batch, length, hidden]} for contract inputs (INT64 matrices). */
    public INDArray hiddenStates(Map<String, INDArray> inputs) {
        TransformerConfig c = encoder.config();
        long[] ids = Nd4j.toFlattened(inputs.get(GraphContract.INPUT_IDS)).toLongVector();
        INDArray maskM = inputs.get(GraphContract.ATTENTION_MASK).castTo(DataType.DOUBLE);
        int b = (int) maskM.size(0);
        int len = (int) maskM.size(1);
        long[] types = inputs.containsKey(GraphContract.TOKEN_TYPE_IDS)
                ? Nd4j.toFlattened(inputs.get(GraphContract.TOKEN_TYPE_IDS)).toLongVector() : new long[ids.length];
        int h = c.hidden();
        INDArray x = Nd4j.zeros(DataType.DOUBLE, (long) b * len, c.embeddingWidth());
        INDArray tok = w("emb_tokens");
        INDArray pos = w("emb_positions");
        INDArray typ = encoder.weights().containsKey("emb_types") ? w("emb_types") : null;
        for (int i = 0; i < ids.length; i++) {
            INDArray row = tok.getRow(ids[i]).dup().addi(pos.getRow(i % len));
            if (typ != null) {
                row.addi(typ.getRow(types[i]));
            }
            x.putRow(i, row);
        }
        x = ln(x, "emb_ln");
        if (c.projectsEmbeddings()) {
            x = lin(x, "emb_proj");
        }
        int heads = c.heads();
        int hs = h / heads;
        for (int l = 0; l < c.layers(); l++) {
            String p = "l" + l + "_";
            INDArray q = lin(x, p + "q").reshape(b, len, heads, hs).permute(0, 2, 1, 3).dup('c');
            INDArray k = lin(x, p + "k").reshape(b, len, heads, hs).permute(0, 2, 1, 3).dup('c');
            INDArray v = lin(x, p + "v").reshape(b, len, heads, hs).permute(0, 2, 1, 3).dup('c');
            INDArray ctx = Nd4j.zeros(DataType.DOUBLE, b, heads, len, hs);
            for (int bi = 0; bi < b; bi++) {
                for (int hi = 0; hi < heads; hi++) {
                    INDArray qs = q.slice(bi).slice(hi);
                    INDArray ks = k.slice(bi).slice(hi);
                    INDArray scores = qs.mmul(ks.transpose()).muli(1.0 / Math.sqrt(hs));
                    for (int j = 0; j < len; j++) {
                        if (maskM.getDouble(bi, j) == 0) {
                            scores.getColumn(j).assign(-1e300);
                        }
                    }
                    INDArray max = scores.max(1).reshape(len, 1);
                    INDArray e = Transforms.exp(scores.subColumnVector(max), false);
                    e.diviColumnVector(e.sum(1).reshape(len, 1));
                    ctx.slice(bi).slice(hi).assign(e.mmul(v.slice(bi).slice(hi)));
                }
            }
            INDArray merged = ctx.permute(0, 2, 1, 3).dup('c').reshape((long) b * len, h);
            x = ln(x.add(lin(merged, p + "o")), p + "attn_ln");
            INDArray inner = act(lin(x, p + "ffn_in"), c.activation());
            x = ln(x.add(lin(inner, p + "ffn_out")), p + "ffn_ln");
        }
        return x.reshape(b, len, h);
    }

    private INDArray lin(INDArray x, String name) {
        return x.mmul(w(name + "_w")).addiRowVector(w(name + "_b"));
    }

    private INDArray ln(INDArray x, String name) {
        INDArray mean = x.mean(1).reshape(x.size(0), 1);
        INDArray centred = x.subColumnVector(mean);
        INDArray var = centred.mul(centred).mean(1).reshape(x.size(0), 1).addi(encoder.config().layerNormEps());
        return centred.diviColumnVector(Transforms.sqrt(var, false)).muliRowVector(w(name + "_g")).addiRowVector(w(name + "_b"));
    }

    private static INDArray act(INDArray x, Activation a) {
        double[] v = x.data().asDouble();
        for (int i = 0; i < v.length; i++) {
            double t = v[i];
            v[i] = switch (a) {
                case GELU -> 0.5 * t * (1 + org.apache.commons.math3.special.Erf.erf(t / Math.sqrt(2)));
                case GELU_TANH -> 0.5 * t * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (t + 0.044715 * t * t * t)));
                case RELU -> Math.max(0, t);
                case GELU_SIGMOID -> t / (1 + Math.exp(-1.702 * t));
            };
        }
        return Nd4j.create(v, x.shape(), 'c');
    }
}
