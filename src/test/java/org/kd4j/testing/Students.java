package org.kd4j.testing;

import java.util.Map;
import java.util.SplittableRandom;
import org.kd4j.data.batch.Batch;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Tiny students whose weights look trained (not the initial N(0, 0.02) weights, whose logits are all near 0, so
 * that a wrong gate order or padding rule would hardly show), and random padded batches for them.
 */
public final class Students {

    private Students() {}

    /**
     * A model of {@code config} with seeded weights of a trained model's scale: matrices N(0, 1/fan_in), layer-norm
     * gains 1 + N(0, 0.2^2), biases N(0, 0.1^2), embedding tables N(0, 0.5^2).
     */
    public static TextClassifier randomised(ModelConfig config, int vocab, int outputs, long seed) {
        TextClassifier model = TextClassifier.create(config, vocab, outputs, seed);
        Nd4j.getRandom().setSeed(seed);
        for (Map.Entry<String, INDArray> e : model.parameters().entrySet()) {
            INDArray p = e.getValue();
            String name = e.getKey();
            INDArray noise = Nd4j.randn(p.dataType(), p.shape());
            if (model.embeddings().parameters().containsKey(name)) {
                p.assign(noise.muli(0.5));
            } else if (name.endsWith("_g")) {
                p.assign(noise.muli(0.2).addi(1));
            } else if (name.endsWith("_b")) {
                p.assign(noise.muli(0.1));
            } else {
                long fanIn = p.rank() == 3 ? p.size(0) * p.size(1) : p.size(0);
                p.assign(noise.muli(1.0 / Math.sqrt(fanIn)));
            }
        }
        return model;
    }

    /**
     * {@code size} rows of random lengths 2..{@code length} (at least one row of full length), padded with id 0 at the
     * end; ids from 5 up (below 5: specials); the second half of a row is segment 1 in every other row.
     */
    public static Batch randomBatch(int size, int length, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] ids = new int[size * length];
        int[] types = new int[size * length];
        int[] mask = new int[size * length];
        int[] rows = new int[size];
        int[] labels = new int[size];
        double[] scores = new double[size];
        for (int r = 0; r < size; r++) {
            rows[r] = r;
            labels[r] = -1;
            scores[r] = Double.NaN;
            int real = r == 0 ? length : 2 + random.nextInt(length - 1);
            for (int t = 0; t < real; t++) {
                ids[r * length + t] = 5 + random.nextInt(vocab - 5);
                mask[r * length + t] = 1;
                types[r * length + t] = r % 2 == 1 && t >= real / 2 ? 1 : 0;
            }
        }
        return new Batch(rows, length, ids, types, mask, labels, scores);
    }
}
