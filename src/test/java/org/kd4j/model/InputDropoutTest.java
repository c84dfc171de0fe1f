package org.kd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.Encoding;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Dropout on the summed embeddings: its masks, and the gradients of a model trained through them. */
class InputDropoutTest {

    @Test
    void masksHoldZerosAtTheRateAndScaleTheRestSoTheMeanIsKept() {
        InputDropout d = new InputDropout(0.3, 7);
        INDArray mask = d.mask(12, 1, DataType.FLOAT, 40, 50, 100);
        assertEquals(List.of(40L, 50L, 100L), java.util.Arrays.stream(mask.shape()).boxed().toList());
        float[] v = mask.data().asFloat();
        int zeros = 0;
        for (float x : v) {
            if (x == 0f) {
                zeros++;
            } else {
                assertEquals(1 / 0.7f, x, 1e-6f);
            }
        }
        // 200,000 draws: the zero fraction's standard deviation is about 0.001
        assertEquals(0.3, zeros / (double) v.length, 0.005);
        assertEquals(1.0, mask.meanNumber().doubleValue(), 0.01);
    }

    @Test
    void theSameSeedAndStepDrawTheSameMaskAndAnyPartOfABatchItsRowsOfIt() {
        InputDropout d = new InputDropout(0.5, 3);
        INDArray a = d.mask(5, 0, DataType.FLOAT, 4, 8, 16);
        assertEquals(a, d.mask(5, 0, DataType.FLOAT, 4, 8, 16));
        assertNotEquals(a, d.mask(6, 0, DataType.FLOAT, 4, 8, 16), "the next step");
        assertNotEquals(a, new InputDropout(0.5, 4).mask(5, 0, DataType.FLOAT, 4, 8, 16), "another seed");
        // a batch split into rows 0, 1..2 and 3: each part's mask is its rows of the whole batch's
        assertEquals(a.get(NDArrayIndex.interval(0, 1)), d.mask(5, 0, DataType.FLOAT, 1, 8, 16));
        assertEquals(a.get(NDArrayIndex.interval(1, 3)), d.mask(5, 1, DataType.FLOAT, 2, 8, 16));
        assertEquals(a.get(NDArrayIndex.interval(3, 4)), d.mask(5, 3, DataType.FLOAT, 1, 8, 16));
        assertEquals(DataType.DOUBLE, d.mask(5, 0, DataType.DOUBLE, 2, 2).dataType());
        assertThrows(IllegalArgumentException.class, () -> d.mask(5, -1, DataType.FLOAT, 2, 2));
    }

    @Test
    void ratesOutsideZeroToPointNineAreRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new InputDropout(0.95, 1));
        assertEquals("dropout: expected a rate in [0, 0.9], found 0.95", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new InputDropout(-0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new InputDropout(Double.NaN, 1));
        assertFalse(InputDropout.NONE.active());
        assertTrue(new InputDropout(0.1, 1).active());
    }

    private static final int VOCAB = 40;

    /** Two rows (5 and 3 real tokens), every real token a different id, so a table row feeds one position. */
    private static Batch batch() {
        EncodedDataset data = new EncodedDataset(GlueTask.SST2,
                List.of(new Encoding(new int[] {1, 5, 7, 11, 2}, new int[5]), new Encoding(new int[] {3, 9, 4}, new int[3])),
                new int[] {0, 1}, new double[] {Double.NaN, Double.NaN}, 8);
        return Batch.of(data, new int[] {0, 1}, 0, 0);
    }

    /** sum(tanh(logits) * fixed weights) on the model's graph. */
    private static String loss(SameDiff sd) {
        SDVariable weights = sd.constant("dropout_test_weights", Nd4j.createFromArray(new float[] {0.9f, -1.4f, 0.6f}).reshape(1, 3));
        SDVariable loss = sd.math().tanh(sd.getVariable(ClassifierGraph.LOGITS)).mul(weights).sum();
        sd.setLossVariables(loss);
        return loss.name();
    }

    private static double lossOf(TextClassifier model, Batch batch, InputDropout d, String loss) {
        Map<String, INDArray> feed = model.feed(batch, d, 9, 0);
        return model.run(() -> model.graph().sd().output(feed, loss)).get(loss).getDouble(0);
    }

    /**
     * The gradient of the summed embeddings a training feed returns, through the mask (and a BiLSTM's recurrent layer),
     * against central finite differences of the same loss under the same mask, taken on the token table's rows: zero
     * exactly where the mask dropped the element, the finite difference elsewhere.
     */
    @ParameterizedTest
    @EnumSource(value = ModelType.class, names = {"BILSTM", "TRANSFORMER", "CNN"})
    void theEmbeddingsGradientThroughTheMaskMatchesFiniteDifferences(ModelType type) {
        ModelConfig config = ModelConfig.of(type, 1, 8, 2, 6, 16, Pooling.MEAN);
        TextClassifier model = TextClassifier.create(config, VOCAB, 3, 13);
        model.parameters().forEach((name, p) -> p.addi(Nd4j.rand(p.dataType(), p.shape()).subi(0.5).muli(0.4)));
        String loss = loss(model.graph().sd());
        Batch batch = batch();
        InputDropout d = new InputDropout(0.4, 21);

        Map<String, INDArray> feed = new HashMap<>(model.feed(batch, d, 9, 0));
        List<String> names = new java.util.ArrayList<>(model.graph().trainableVariables());
        names.removeIf(EmbeddingLayer::isTable);
        names.add(ClassifierGraph.EMBEDDINGS);
        Map<String, INDArray> grads = model.run(() -> model.graph().sd().calculateGradients(feed, names.toArray(new String[0])));
        INDArray gradient = model.backThroughInputs(grads).get(ClassifierGraph.EMBEDDINGS).dup();
        INDArray mask = d.mask(9, 0, DataType.FLOAT, batch.size(), batch.length(), config.hidden());

        INDArray tokens = model.embeddings().parameters().get(EmbeddingLayer.TOKENS);
        int[] ids = batch.inputIds();
        int[] attention = batch.attentionMask();
        // float arithmetic, and the BiLSTM's and CNN's max pooling has kinks (where the maximum changes position): an
        // element whose one-sided differences disagree straddles one and is not compared
        double h = 2e-3;
        double base = lossOf(model, batch, d, loss);
        int dropped = 0;
        int kept = 0;
        int kinks = 0;
        for (int position = 0; position < ids.length; position++) {
            if (attention[position] == 0) {
                continue;
            }
            int row = position / batch.length();
            int t = position % batch.length();
            for (int k = 0; k < config.hidden(); k++) {
                float original = tokens.getFloat(ids[position], k);
                tokens.putScalar(new long[] {ids[position], k}, original + h);
                double plus = lossOf(model, batch, d, loss);
                tokens.putScalar(new long[] {ids[position], k}, original - h);
                double minus = lossOf(model, batch, d, loss);
                tokens.putScalar(new long[] {ids[position], k}, original);
                double numeric = (plus - minus) / (2 * h);
                double analytic = gradient.getDouble(row, t, k);
                String at = type + " row " + row + " position " + t + " element " + k;
                if (mask.getFloat(row, t, k) == 0f) {
                    assertEquals(0.0, analytic, 0.0, at + " was dropped");
                    assertEquals(0.0, plus - base, 1e-6, at + " was dropped: the loss does not depend on it");
                    assertEquals(0.0, base - minus, 1e-6, at + " was dropped: the loss does not depend on it");
                    dropped++;
                } else if (Math.abs((plus - base) / h - (base - minus) / h) > 0.02 + 0.1 * Math.abs(numeric)) {
                    kinks++;
                } else {
                    assertEquals(numeric, analytic, 1e-3 + 0.03 * Math.abs(numeric), at);
                    kept++;
                }
            }
        }
        assertTrue(kinks <= kept / 4, type + ": " + kinks + " elements at a kink, " + kept + " compared");
        assertTrue(dropped > 10 && kept > 10, "dropped " + dropped + ", kept " + kept);

        // inference drops nothing: the logits do not depend on the last training feed's mask
        float[][] once = model.logits(batch);
        model.feed(batch, d, 10, 0);
        float[][] again = model.logits(batch);
        assertEquals(java.util.Arrays.deepToString(once), java.util.Arrays.deepToString(again));
    }
}
