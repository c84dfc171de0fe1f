package org.kd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The masked max of the BiLSTM and CNN heads, written as a sum weighted at the max's positions: its value and its
 * gradient, computed by hand on a small batch with padding and a tie.
 */
class MaskedMaxTest {

    @Test
    void valueIsTheMaxOverRealPositionsAndTheGradientGoesToItsPositionSplitEvenlyOnATie() {
        GraphBuilder g = new GraphBuilder(DataType.DOUBLE) { };
        SameDiff sd = g.sd;
        SDVariable states = sd.var("states", DataType.DOUBLE, 2, 3, 2);
        SDVariable mask = sd.placeHolder("m", DataType.DOUBLE, -1, -1);
        SDVariable c = sd.constant("c", Nd4j.createFromArray(new double[][] {{1.0, 2.0}, {3.0, 4.0}}));
        SDVariable pooled = g.maskedMax(states, mask);
        sd.identity("pooled", pooled);
        pooled.mul(c).sum().markAsLoss();
        // row 0: 3 real positions; column 0's max 5 at t = 1, column 1's max 7 at t = 0 and t = 2 (a tie)
        // row 1: 2 real positions, the padded one (t = 2) holds the largest values, which must not count
        states.setArray(Nd4j.createFromArray(new double[][][] {
                {{1, 7}, {5, -2}, {-3, 7}},
                {{-4, -6}, {-1, -9}, {50, 60}}}));
        Map<String, INDArray> feed = Map.of("m", Nd4j.createFromArray(new double[][] {{1, 1, 1}, {1, 1, 0}}));

        INDArray value = sd.output(feed, "pooled").get("pooled");
        assertEquals(Nd4j.createFromArray(new double[][] {{5, 7}, {-1, -6}}), value);

        INDArray grad = sd.calculateGradients(feed, List.of("states")).get("states");
        INDArray expected = Nd4j.createFromArray(new double[][][] {
                {{0, 1}, {1, 0}, {0, 1}},
                {{0, 4}, {3, 0}, {0, 0}}});
        assertEquals(expected, grad);
    }
}
