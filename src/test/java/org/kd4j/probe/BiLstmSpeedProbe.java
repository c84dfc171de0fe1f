package org.kd4j.probe;

import java.util.Arrays;
import org.kd4j.model.BiLstm;
import org.kd4j.model.BiLstmConfig;
import org.kd4j.model.ClassifierGraphs;
import org.kd4j.util.Nd4jProcess;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: times the BiLSTM layer alone ({@link BiLstm#forward} then {@link BiLstm#backward}) on one thread, on
 * random float batches of the quality plan's BiLSTM (embeddings 300, 300 units per direction, one layer) at a few
 * lengths, and prints each length's median milliseconds a forward and a forward-and-backward over {@code probe.runs}
 * rounds of {@code probe.iterations} calls, with their range; then the input projection of a 64-token batch as
 * {@code INDArray.mmul} and as a BLAS product into one array. Settings by system property: {@code probe.lengths}
 * (25,64), {@code probe.batch} (32), {@code probe.runs} (5), {@code probe.iterations} (20).
 *
 * <pre>mvn -o -q exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.kd4j.probe.BiLstmSpeedProbe</pre>
 */
public final class BiLstmSpeedProbe {

    private BiLstmSpeedProbe() {}

    public static void main(String[] args) {
        Nd4jProcess.threadsPerOp(1);
        int batch = Integer.getInteger("probe.batch", 32);
        int runs = Integer.getInteger("probe.runs", 5);
        int iterations = Integer.getInteger("probe.iterations", 20);
        int[] lengths = Arrays.stream(System.getProperty("probe.lengths", "25,64").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        BiLstm lstm = ClassifierGraphs.build(new BiLstmConfig(300, 300), 2, DataType.FLOAT, 7).recurrent();
        Nd4j.getRandom().setSeed(3);
        for (int length : lengths) {
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, length, 300).subi(0.5);
            INDArray dOut = Nd4j.rand(DataType.FLOAT, batch, length, 600).subi(0.5);
            int[] lens = new int[batch];
            for (int r = 0; r < batch; r++) {
                lens[r] = length - r % Math.max(1, length / 2);
            }
            double[] forward = new double[runs];
            double[] both = new double[runs];
            for (int warm = 0; warm < 5; warm++) {
                lstm.forward(x, lens).close();
                lstm.backward(dOut);
            }
            for (int run = 0; run < runs; run++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    lstm.forward(x, lens).close();
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    lstm.forward(x, lens).close();
                    lstm.backward(dOut);
                }
                long t2 = System.nanoTime();
                forward[run] = (t1 - t0) / 1e6 / iterations;
                both[run] = (t2 - t1) / 1e6 / iterations;
            }
            System.out.printf(java.util.Locale.ROOT, "batch %d x %d: forward %s ms, forward+backward %s ms%n", batch, length,
                    median(forward), median(both));
        }
        lstm.close();
        projection(batch * 64, runs, iterations);
    }

    /**
     * The input projection at the layer's shape ({@code [rows, 300] x [300, 1200]}) as {@code INDArray.mmul} (a new
     * result each call) and as {@code Nd4j.gemm} into one result array, median milliseconds a call.
     */
    private static void projection(int rows, int runs, int iterations) {
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, 300);
        INDArray w = Nd4j.rand(DataType.FLOAT, 300, 1200);
        INDArray into = Nd4j.create(DataType.FLOAT, rows, 1200);
        double[] mmul = new double[runs];
        double[] gemm = new double[runs];
        for (int run = 0; run < runs; run++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                x.mmul(w).close();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                Nd4j.gemm(x, w, into, false, false, 1.0, 0.0);
            }
            long t2 = System.nanoTime();
            mmul[run] = (t1 - t0) / 1e6 / iterations;
            gemm[run] = (t2 - t1) / 1e6 / iterations;
        }
        System.out.printf(java.util.Locale.ROOT, "projection [%d, 300] x [300, 1200]: INDArray.mmul %s ms, Nd4j.gemm into one"
                + " array %s ms%n", rows, median(mmul), median(gemm));
    }

    private static String median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return String.format(java.util.Locale.ROOT, "%.2f [%.2f..%.2f]", s[s.length / 2], s[0], s[s.length - 1]);
    }
}
