package org.kd4j.model;

import org.kd4j.testing.FiniteDifferences;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ClassifierGraphsTest {

    private static INDArray mask(int[][] rows) {
        double[][] m = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            m[i] = java.util.Arrays.stream(rows[i]).asDoubleStream().toArray();
        }
        return Nd4j.createFromArray(m);
    }

    /**
     * The model as one SameDiff graph: for a BiLSTM, whose LSTM layer runs outside its graph ({@link BiLstm}, tested
     * against this one in {@code BiLstmTest}), the whole graph with M2.1's LSTM ops.
     */
    private static ClassifierGraph graph(ModelConfig config, int outputs, DataType type, long seed) {
        ClassifierGraph g = ClassifierGraphs.build(config, outputs, type, seed);
        return g.recurrent() == null ? g : new ClassifierGraph(BiLstmGraph.whole((BiLstmConfig) config, outputs, g.recurrent(), g.sd()), outputs);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = ModelType.class, names = "IMPORTED",
            mode = org.junit.jupiter.params.provider.EnumSource.Mode.EXCLUDE)
    void shapesFollowTheBatchAndPaddingIsIgnored(ModelType type) {
        ModelConfig config = ModelConfig.of(type, 2, 8, 2, 12, 16, Pooling.MEAN);
        ClassifierGraph g = graph(config, 3, DataType.DOUBLE, 1);
        SameDiff sd = g.sd();
        INDArray emb = Nd4j.rand(DataType.DOUBLE, 2, 5, 8);
        sd.getVariable(ClassifierGraph.EMBEDDINGS).setArray(emb);
        INDArray logits = sd.output(Map.of(ClassifierGraph.MASK, mask(new int[][] {{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}})),
                ClassifierGraph.LOGITS).get(ClassifierGraph.LOGITS);
        assertArrayEquals(new long[] {2, 3}, logits.shape());

        // the first example alone, unpadded, gives the same logits: padding is masked out everywhere
        sd.getVariable(ClassifierGraph.EMBEDDINGS).setArray(emb.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup());
        INDArray alone = sd.output(Map.of(ClassifierGraph.MASK, mask(new int[][] {{1, 1, 1}})), ClassifierGraph.LOGITS)
                .get(ClassifierGraph.LOGITS);
        assertEquals(0.0, alone.getRow(0).sub(logits.getRow(0)).amaxNumber().doubleValue(), 1e-9);
    }

    /** Every parameter's gradient and the embeddings' gradient match central finite differences (double). */
    static java.util.stream.Stream<ModelConfig> tinyModels() {
        return java.util.stream.Stream.of(
                ModelConfig.of(ModelType.TRANSFORMER, 1, 4, 2, 6, 8, Pooling.MEAN),
                ModelConfig.of(ModelType.TRANSFORMER, 1, 4, 2, 6, 8, Pooling.CLS),
                ModelConfig.of(ModelType.TRANSFORMER, 1, 4, 2, 6, 8, Pooling.CLS_RELU),
                ModelConfig.of(ModelType.TRANSFORMER, 1, 4, 2, 6, 8, Pooling.CLS_GELU),
                new TransformerConfig(1, 4, 2, 6, 8, Pooling.CLS_GELU, Activation.GELU, 1e-12, 3),
                ModelConfig.of(ModelType.CNN, 1, 4, 1, 3, 8, Pooling.MEAN),
                ModelConfig.of(ModelType.BILSTM, 1, 4, 1, 3, 8, Pooling.MEAN),
                new BiLstmConfig(4, 3, 5),
                new BiLstmConfig(4, 3, 0, 2));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("tinyModels")
    void gradientsMatchFiniteDifferences(ModelConfig config) {
        {
            Pooling pooling = config.flat().pooling();
            ClassifierGraph g = graph(config, 2, DataType.DOUBLE, 7);
            SameDiff sd = g.sd();
            sd.getVariable(ClassifierGraph.EMBEDDINGS).setArray(Nd4j.rand(DataType.DOUBLE, 2, 3, config.embeddingWidth()).subi(0.5));
            // a scalar loss that depends on every logit: sum(logits * fixed weights)
            SDVariable weights = sd.constant("loss_weights", Nd4j.createFromArray(new double[][] {{0.3, -1.2}, {2.0, 0.7}}));
            SDVariable loss = sd.math().tanh(g.logits()).mul(weights).sum();
            sd.setLossVariables(loss);
            Map<String, INDArray> feed = new HashMap<>(Map.of(ClassifierGraph.MASK, mask(new int[][] {{1, 1, 0}, {1, 1, 1}})));

            List<String> names = new java.util.ArrayList<>(g.trainableVariables());
            names.add(ClassifierGraph.EMBEDDINGS);
            Map<String, INDArray> grads = sd.calculateGradients(feed, names.toArray(new String[0]));
            FiniteDifferences.Result r = FiniteDifferences.check(sd, feed, loss.name(), grads, FiniteDifferences::spread,
                    1e-6, 1e-6, 1e-4, config.type() + " " + pooling);
            int checked = r.checked();
            assertEquals(true, checked > 20, "checked " + checked);
        }
    }
}
