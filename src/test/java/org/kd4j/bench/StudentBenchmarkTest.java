package org.kd4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.model.BiLstmConfig;
import org.kd4j.model.CnnConfig;

class StudentBenchmarkTest {

    /**
     * A BiLSTM's forward FLOPs, by hand: per token, layer and direction 2 x 4u (in + u). Embeddings 3, 2 units, two
     * layers: 2 x 2 x 4 x 2 x (3 + 2) = 160 for the first, 2 x 2 x 4 x 2 x (4 + 2) = 192 for the second (its input is
     * both directions' states, 4 wide); 352 a token, 1,760 for 5 tokens.
     */
    @Test
    void aBiLstmsForwardFlopsCountItsInputAndRecurrentProducts() {
        assertEquals(1760.0, StudentBenchmark.forwardFlops(new BiLstmConfig(3, 2, 0, 2), 5, List.of()));
        assertEquals(800.0, StudentBenchmark.forwardFlops(new BiLstmConfig(3, 2, 0, 1), 5, List.of()));
    }

    @Test
    void aModelWithoutAFlopCountGivesZero() {
        assertEquals(0.0, StudentBenchmark.forwardFlops(new CnnConfig(8, 4), 5, List.of()));
    }
}
