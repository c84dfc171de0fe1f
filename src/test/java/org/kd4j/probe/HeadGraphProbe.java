package org.kd4j.probe;

import java.util.List;
import java.util.Locale;
import org.kd4j.bench.EncoderBenchmark;
import org.kd4j.bench.StudentBenchmark;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.distill.train.StepTimer;
import org.kd4j.model.BiLstmConfig;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Nd4jProcess;
import org.kd4j.util.Parallelism;

/**
 * Not a test: times the ops of a BiLSTM student's head graph (masked max, classifier, loss, and their backward) during
 * training steps on one thread, with a SameDiff listener, and the steps themselves: what the head costs a step and
 * which ops make it up. The quality plan's BiLSTM (embeddings 300, 300 units per direction), batches of 32 random rows
 * of 14 tokens (SST-2's training phrases with dynamic padding), 50 steps after 10 of warm-up. Arguments: rows, length,
 * steps.
 *
 * <pre>mvn -o -q exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.kd4j.probe.HeadGraphProbe</pre>
 */
public final class HeadGraphProbe {

    private HeadGraphProbe() {}

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int length = args.length > 1 ? Integer.parseInt(args[1]) : 14;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        Nd4jProcess.threadsPerOp(1);
        int vocab = 30522;
        TextClassifier model = TextClassifier.create(new BiLstmConfig(300, 300), vocab, 2, 7);
        EncodedDataset data = StudentBenchmark.randomData(rows * 4, length, vocab, 11);
        List<Batch> batches = EncoderBenchmark.fixedBatches(data, rows, length);
        OpTimes times = new OpTimes(false);
        model.graph().sd().setListeners(times);
        try (StepTimer timer = StepTimer.of(model, data, Parallelism.sequential())) {
            for (int i = 0; i < 10; i++) {
                timer.step(batches.get(i % batches.size()));
            }
            times.on = true;
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                timer.step(batches.get(i % batches.size()));
            }
            double stepMs = (System.nanoTime() - t0) / 1e6 / steps;
            long total = times.byOp.values().stream().mapToLong(t -> t[0]).sum();
            long calls = times.byOp.values().stream().mapToLong(t -> t[1]).sum();
            System.out.printf(Locale.ROOT, "%d x %d tokens: %.2f ms a step; the graph's ops %.2f ms a step, %d ops a step%n",
                    rows, length, stepMs, total / 1e6 / steps, calls / steps);
            times.byOp.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                    .forEach(e -> System.out.printf(Locale.ROOT, "  %-28s %7.3f ms a step, %3d calls, %6.1f us a call%n",
                            e.getKey(), e.getValue()[0] / 1e6 / steps, e.getValue()[1] / steps,
                            e.getValue()[0] / 1e3 / e.getValue()[1]));
        }
    }
}
