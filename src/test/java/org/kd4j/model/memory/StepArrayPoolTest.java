package org.kd4j.model.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class StepArrayPoolTest {

    private static long address(INDArray a) {
        return a.data().address();
    }

    @Test
    void buffersComeBackAfterReleaseOrRecycleWhateverTheShape() {
        StepArrayPool pool = new StepArrayPool(1 << 20);
        INDArray a = pool.allocate(false, DataType.FLOAT, 4, 8);
        INDArray b = pool.allocate(false, DataType.FLOAT, 4, 8);
        assertNotEquals(address(a), address(b));
        long aBuffer = address(a);
        pool.release(a);
        INDArray again = pool.allocate(false, DataType.FLOAT, 4, 8);
        assertEquals(aBuffer, address(again), "a released buffer is reused at once");
        INDArray c = pool.allocate(false, DataType.FLOAT, 8, 4);
        assertNotEquals(address(b), address(c), "buffers in use are not handed out twice");
        assertArrayEquals(new long[] {8, 4}, c.shape());
        pool.recycle();
        // after a step, arrays of other shapes of the same size class (30 and 32 elements: class 32) reuse the buffers
        List<Long> next = List.of(address(pool.allocate(false, DataType.FLOAT, 2, 16)), address(pool.allocate(false, DataType.FLOAT, 5, 6)),
                address(pool.allocate(false, DataType.FLOAT, 4, 8)));
        assertTrue(next.contains(aBuffer) && next.contains(address(b)) && next.contains(address(c)), "recycle hands all back");
        assertEquals(3, pool.counts()[0], "created");
        assertEquals(3 * 32 * 4, pool.pooledBytes());
        INDArray written = pool.allocate(false, DataType.FLOAT, 3, 3);
        written.assign(Nd4j.arange(9).reshape(3, 3));
        assertEquals(Nd4j.arange(9).reshape(3, 3).castTo(DataType.FLOAT), written, "a view of a larger buffer reads what was written");
    }

    @Test
    void sizeClassesWasteAtMostAQuarter() {
        for (long n = 1; n < 100_000; n += 7) {
            long c = StepArrayPool.sizeClass(n);
            assertTrue(c >= n && c <= Math.max(8, n * 1.25 + 1), n + " -> " + c);
        }
        assertEquals(32, StepArrayPool.sizeClass(30));
        assertEquals(1024, StepArrayPool.sizeClass(1000));
    }

    @Test
    void idleSizeClassesAreFreedBeyondTheBudget() {
        StepArrayPool pool = new StepArrayPool(1000);
        pool.allocate(false, DataType.FLOAT, 100, 10); // class 1,024: 4,096 bytes, over the budget, then never asked for again
        for (int i = 0; i < StepArrayPool.IDLE_STEPS; i++) {
            pool.recycle();
            pool.allocate(false, DataType.FLOAT, 2, 2);
        }
        assertEquals(4096 + 16, pool.pooledBytes(), "kept while recently used");
        pool.recycle();
        assertEquals(16, pool.pooledBytes(), "freed once idle for more than " + StepArrayPool.IDLE_STEPS + " steps");
    }

    /** Gradients computed through the pool are exactly those of SameDiff's own memory manager, step after step. */
    @Test
    void gradientsThroughThePoolEqualTheDefault() {
        ModelConfig config = ModelConfig.of(ModelType.TRANSFORMER, 2, 16, 2, 32, 64, Pooling.MEAN);
        TextClassifier reference = TextClassifier.create(config, 50, 2, 3);
        TextClassifier pooled = TextClassifier.create(config, 50, 2, 3);
        lossOf(reference.sd());
        lossOf(pooled.sd());
        StepArrayPool pool = null;
        int[] lengths = {7, 7, 12, 7, 12, 5};
        for (int step = 0; step < lengths.length; step++) {
            Map<String, INDArray> feed = feed(lengths[step], step);
            reference.sd().getVariable(ClassifierGraph.EMBEDDINGS).setArray(feed.remove("emb").dup());
            Map<String, INDArray> feed2 = feed(lengths[step], step);
            pooled.sd().getVariable(ClassifierGraph.EMBEDDINGS).setArray(feed2.remove("emb"));
            List<String> names = reference.graph().trainableVariables();
            assertEquals(reference.sd().getVariable(ClassifierGraph.EMBEDDINGS).getArr(), pooled.sd().getVariable(ClassifierGraph.EMBEDDINGS).getArr(), "same input");
            for (String n : names) {
                assertEquals(reference.sd().getVariable(n).getArr(), pooled.sd().getVariable(n).getArr(), "same weights " + n);
            }
            if (pool != null) {
                pool.recycle();
            }
            Map<String, INDArray> want = reference.sd().calculateGradients(feed, names.toArray(new String[0]));
            Map<String, INDArray> got = pooled.sd().calculateGradients(feed2, names.toArray(new String[0]));
            for (String n : names) {
                assertEquals(want.get(n), got.get(n), "step " + step + " gradient " + n);
            }
            if (pool == null) {
                pool = StepArrayPool.attachToGradients(pooled.sd(), new StepArrayPool(1 << 30));
            }
        }
        // after the pool is attached: 7 (new), 12 (new), 7 and 12 (from the pool), 5 (new)
        assertTrue(pool.counts()[1] >= pool.counts()[0] / 2, "arrays reused " + pool.counts()[1] + ", created " + pool.counts()[0]);
    }

    private static void lossOf(SameDiff sd) {
        SDVariable w = sd.constant("loss_weights", Nd4j.createFromArray(new float[][] {{0.3f, -1.2f}, {2.0f, 0.7f}}));
        SDVariable loss = sd.math().tanh(sd.getVariable(ClassifierGraph.LOGITS)).mul(w.get(org.nd4j.autodiff.samediff.SDIndex.point(0))).sum();
        sd.setLossVariables(loss);
    }

    private static Map<String, INDArray> feed(int length, long seed) {
        java.util.Random random = new java.util.Random(seed);
        float[] values = new float[3 * length * 16];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        Map<String, INDArray> feed = new HashMap<>();
        feed.put("emb", Nd4j.create(values, new long[] {3, length, 16}, 'c'));
        INDArray mask = Nd4j.ones(DataType.FLOAT, 3, length);
        mask.putScalar(new long[] {2, length - 1}, 0);
        feed.put(ClassifierGraph.MASK, mask);
        return feed;
    }
}
